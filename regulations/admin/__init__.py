"""The curator admin: one module per family of models."""

from . import jurisdictions, provisions, readiness, rules

__all__ = ["jurisdictions", "provisions", "readiness", "rules"]
