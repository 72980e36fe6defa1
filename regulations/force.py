"""How a rule holds in a place: binding, recognised or advisory, and the words for each."""

from __future__ import annotations

from django.db import models


class Force(models.TextChoices):
    """How a rule holds in a place, strongest first."""

    BINDING = "binding", "Binding"
    RECOGNISED = "recognised", "Recognised, not mandatory"
    ADVISORY = "advisory", "Advisory, not mandatory"


STRENGTH = {Force.BINDING: 3, Force.RECOGNISED: 2, Force.ADVISORY: 1, None: 0}
NOT_RECORDED = "Not recorded"


def force_label(force: Force | None) -> str:
    return Force(force).label if force else NOT_RECORDED


def force_key(force: Force | None) -> str:
    """A stable word for CSS classes and exports: binding, recognised, advisory or unrecorded."""
    return Force(force).value if force else "unrecorded"


class ForceWords:
    """How an object's ``force`` reads: ``label`` for people, ``key`` for CSS classes and exports."""

    @property
    def label(self) -> str:
        return force_label(self.force)

    @property
    def key(self) -> str:
        return force_key(self.force)
