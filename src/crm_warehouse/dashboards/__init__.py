"""Dashboard site and role reports generated from the mart tables (see docs/dashboards.md)."""
