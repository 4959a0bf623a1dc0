"""Deterministic synthetic CRM landing-data generator (see docs/generator.md).

Modules:
  config, util, names   scales, defect rates and columns; day and id helpers; name lists
  world                 the simulated World, composed of one module per domain:
                        organisation, leads, accounts, ownership, opportunities, contracts,
                        usage, quotas (quotas and costs); common and tables hold shared pieces
  activities            activities, generated chunk by chunk
  defects               the planted data-entry defects (defect_tools: the manifest and picks;
                        real_world: the habits of real exports)
  render, generate      the exports of a cut-off (full and delta) and the run
  shapes                the same world as a Salesforce, HubSpot or Chinese CRM Excel export
                        (shape_salesforce, shape_hubspot, shape_cn_excel, shape_columns)
"""

from .config import DEFAULT_DEFECT_RATES, RULES, SCALES, ScaleConfig

__all__ = ["DEFAULT_DEFECT_RATES", "RULES", "SCALES", "ScaleConfig"]
