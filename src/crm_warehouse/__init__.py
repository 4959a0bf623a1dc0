"""The CRM sales warehouse's Python side: landing generator, checks and gate, warehouse build and
nightly refresh, dashboard site, role reports, group-robot pushes and source adapters.

Every job runs from one command line, ``crmwh`` (``python -m crm_warehouse``); see
``crm_warehouse.cli``.
"""
