"""Deterministic synthetic CRM landing-data generator (see docs/generator.md)."""
from .config import DEFAULT_DEFECT_RATES, RULES, SCALES, ScaleConfig

__all__ = ["DEFAULT_DEFECT_RATES", "RULES", "SCALES", "ScaleConfig"]
