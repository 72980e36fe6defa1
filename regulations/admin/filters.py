"""Changelist filters."""

from django.contrib import admin


class ValuesFilter(admin.AllValuesFieldListFilter):
    """Every value of a text field, the empty one named "(none)" rather than drawn as a link with no text."""

    def choices(self, changelist):
        for choice in super().choices(changelist):
            yield {**choice, "display": "(none)"} if choice["display"] == "" else choice
