"""The curator admin: one module per family of models."""

from . import jurisdictions, readiness, rules

__all__ = ["jurisdictions", "readiness", "rules"]
