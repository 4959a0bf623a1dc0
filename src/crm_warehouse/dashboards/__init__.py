"""Dashboard site and role reports generated from the mart tables (see docs/dashboards.md).

Modules:
  marts, labels, formatting, paths    reading the marts, seed labels, number and date formats, safe paths
  roles                               role queries shared by the site, the reports and the bundles
  site, site_model, page_*            the site: builder and rendering, page model, one module per page family
                                      (cockpit, team, rep, leaderboards, data_quality, indicator_tree)
  reports, report_*                   the role reports: building and rendering, model, text helpers, shared
                                      sections, and one module per role (rep, team_lead, director)
  bundles, excel, visit_csv, crm_links, dbt_docs, browser, safe_markdown   delivery and helpers
"""
