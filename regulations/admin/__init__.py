"""The curator admin: one module per family of models."""

from . import jurisdictions, programmes, provisions, readiness, rules

__all__ = ["jurisdictions", "programmes", "provisions", "readiness", "rules"]
