"""Admin inlines whose autocomplete fields cost one query, not one per row."""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.db import models


class PrefetchedLabels:
    """Renders the selected options from labels fetched once for the whole formset."""

    labels: dict[str, str] | None = None

    def optgroups(self, name, value, attr=None):
        if self.labels is None:
            return super().optgroups(name, value, attr)
        blank = self.is_required or self.allow_multiple_selected
        options = [] if blank else [self.create_option(name, "", "", False, 0)]
        for pk in (str(v) for v in value if str(v) not in self.choices.field.empty_values):
            if pk in self.labels:
                options.append(self.create_option(name, pk, self.labels[pk], True, len(options)))
        return [(None, options, 0)]


class PrefetchedAutocompleteSelect(PrefetchedLabels, AutocompleteSelect):
    pass


class PrefetchedAutocompleteSelectMultiple(PrefetchedLabels, AutocompleteSelectMultiple):
    pass


def selected(form, name) -> set[str]:
    """The primary keys a form's field holds, one or many."""
    value = form[name].value()
    values = value if isinstance(value, list | tuple) else [value]
    return {str(v) for v in values} - {"None", ""}


def prefetch_labels(forms, field_names) -> None:
    """Fetch the selected objects of each autocomplete field for all ``forms`` in one query."""
    for name in field_names:
        values = set().union(*(selected(form, name) for form in forms))
        if not values:
            continue
        field = forms[0].fields[name]
        labels = {str(obj.pk): field.label_from_instance(obj) for obj in field.queryset.filter(pk__in=values)}
        for form in forms:
            widget = form.fields[name].widget
            getattr(widget, "widget", widget).labels = labels


class PrefetchedAutocompleteInlineMixin:
    """Mix into an InlineModelAdmin that lists ``autocomplete_fields``."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PrefetchedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            widget = PrefetchedAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
            kwargs["widget"] = widget
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        base = super().get_formset(request, obj, **kwargs)
        names = [name for name in self.get_autocomplete_fields(request) if name in base.form.base_fields]

        class Formset(base):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                prefetch_labels(self.forms, names)

        return Formset


class HttpsUrlMixin:
    """A URL typed without a scheme is read as https:// (Django 6's default, chosen now)."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


def https_url_fields(field, **kwargs):
    """A ModelForm ``formfield_callback`` reading scheme-less URLs as https://, like HttpsUrlMixin."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)
