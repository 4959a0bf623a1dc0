/* Dashboard pages: draws the charts described in the page's JSON block with the bundled
 * ECharts (no network), and switches labels between Chinese (with English alongside) and
 * English. Chart specs are written by src/crm_warehouse/dashboards/site.py. */
(function () {
  "use strict";

  var PALETTE = ["#1f6feb", "#e8590c", "#2f9e44", "#ae3ec9", "#f59f00", "#0c8599", "#c92a2a", "#5c7cfa"];
  var STYLE = {
    actual: { color: "#1f6feb" },
    target: { color: "#868e96", lineStyle: { type: "dashed" } },
    last_year: { color: "#adb5bd", lineStyle: { type: "dotted" } },
    pace: { color: "#e8590c", lineStyle: { type: "dashed" } },
    positive: { color: "#2f9e44" },
    negative: { color: "#c92a2a" }
  };

  function lang() {
    return document.body.classList.contains("lang-en") ? "en" : "zh";
  }

  function label(obj, key) {
    var l = lang();
    var zh = obj[key + "_zh"], en = obj[key + "_en"];
    if (l === "en") { return en || zh || ""; }
    return zh || en || "";
  }

  function fmt(value, unit) {
    if (value === null || value === undefined || isNaN(value)) { return "—"; }
    if (unit === "cny") {
      var abs = Math.abs(value), sign = value < 0 ? "-¥" : "¥", text;
      if (lang() === "en") {
        text = abs >= 1e6 ? (abs / 1e6).toFixed(1) + "M" : abs >= 1e3 ? (abs / 1e3).toFixed(0) + "k" : abs.toFixed(0);
      } else {
        text = abs >= 1e8 ? (abs / 1e8).toFixed(2) + "亿" : abs >= 1e4 ? (abs / 1e4).toFixed(1) + "万" : abs.toFixed(0);
      }
      return sign + text;
    }
    if (unit === "ratio") { return (value * 100).toFixed(1) + "%"; }
    if (unit === "multiple") { return value.toFixed(1) + "×"; }
    if (Math.abs(value - Math.round(value)) < 1e-9) { return String(Math.round(value)); }
    return value.toFixed(1);
  }

  function axisFormatter(unit) {
    return function (v) { return fmt(v, unit); };
  }

  function baseOption(spec) {
    return {
      animation: false,
      color: PALETTE,
      grid: { left: 64, right: 24, top: 40, bottom: 40, containLabel: true },
      tooltip: {
        trigger: "axis",
        valueFormatter: function (v) { return fmt(v, spec.unit); }
      },
      legend: { top: 0, type: "scroll" }
    };
  }

  function categoryLabels(spec) {
    var labels = lang() === "en" ? spec.category_labels_en : spec.category_labels_zh;
    return labels || spec.categories;
  }

  function cartesian(spec) {
    var opt = baseOption(spec);
    var horizontal = spec.kind === "hbar";
    var cat = { type: "category", data: categoryLabels(spec), axisLabel: { interval: 0, hideOverlap: true } };
    var val = { type: "value", axisLabel: { formatter: axisFormatter(spec.unit) } };
    if (horizontal) { cat.inverse = true; opt.xAxis = val; opt.yAxis = cat; opt.grid.left = 8; }
    else { opt.xAxis = cat; opt.yAxis = val; }
    opt.series = spec.series.map(function (s) {
      var st = STYLE[s.style] || {};
      var out = {
        name: label(s, "name"),
        type: s.type || (spec.kind === "line" ? "line" : "bar"),
        data: s.data,
        connectNulls: false,
        itemStyle: st.color ? { color: st.color } : undefined,
        lineStyle: st.lineStyle,
        stack: s.stack || undefined,
        symbolSize: 5
      };
      if (s.threshold !== undefined && s.threshold !== null) {
        out.markLine = { symbol: "none", silent: true, lineStyle: { color: "#c92a2a", type: "dashed" },
          label: { formatter: label(s, "threshold_label"), position: "insideEndTop" }, data: [horizontal ? { xAxis: s.threshold } : { yAxis: s.threshold }] };
      }
      return out;
    });
    return opt;
  }

  function tree(spec) {
    var colors = { on_track: "#2f9e44", at_risk: "#f59f00", off_track: "#c92a2a" };
    function walk(node) {
      var out = {
        name: label(node, "name") + "\n" + fmt(node.actual, node.unit) +
          (node.target !== null && node.target !== undefined ? " / " + fmt(node.target, node.unit) : ""),
        value: node.actual,
        itemStyle: { color: colors[node.status] || "#868e96", borderColor: colors[node.status] || "#868e96" },
        children: (node.children || []).map(walk)
      };
      return out;
    }
    return {
      animation: false,
      tooltip: { trigger: "item", formatter: function (p) { return p.name.replace("\n", "<br>"); } },
      series: [{
        type: "tree", data: [walk(spec.tree)], orient: "LR", top: 20, bottom: 20, left: 140, right: 220,
        symbolSize: 10, initialTreeDepth: -1, expandAndCollapse: false,
        label: { position: "left", verticalAlign: "middle", align: "right", fontSize: 11 },
        leaves: { label: { position: "right", align: "left" } }
      }]
    };
  }

  var charts = [];

  function render() {
    var node = document.getElementById("chart-data");
    if (!node) { return; }
    var specs = JSON.parse(node.textContent);
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    specs.forEach(function (spec) {
      var el = document.getElementById(spec.id);
      if (!el) { throw new Error("chart container missing: " + spec.id); }
      var opt = spec.kind === "tree" ? tree(spec) : cartesian(spec);
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(opt);
      el.setAttribute("data-rendered", "true");
      charts.push(chart);
    });
  }

  function setLang(l) {
    document.body.classList.toggle("lang-en", l === "en");
    document.documentElement.lang = l === "en" ? "en" : "zh-CN";
    try { window.localStorage.setItem("crm-dashboard-lang", l); } catch (e) { /* file:// without storage */ }
    render();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var saved = null;
    try { saved = window.localStorage.getItem("crm-dashboard-lang"); } catch (e) { saved = null; }
    if (saved === "en") { document.body.classList.add("lang-en"); }
    var btn = document.getElementById("lang-toggle");
    if (btn) { btn.addEventListener("click", function () { setLang(lang() === "en" ? "zh" : "en"); }); }
    render();
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    document.body.setAttribute("data-charts-ready", "true");
  });
}());
