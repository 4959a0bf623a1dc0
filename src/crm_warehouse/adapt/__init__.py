"""Declarative source mappings: a CRM's own exports (Salesforce, HubSpot, a Chinese CRM's
Excel list views …) turned into the landing contract (docs/adapt.md)."""
