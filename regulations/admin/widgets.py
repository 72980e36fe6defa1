"""Admin inlines whose autocomplete fields cost one query, not one per row."""

from django.contrib.admin.widgets import AutocompleteSelect
from django.db import models


class PrefetchedAutocompleteSelect(AutocompleteSelect):
    """Renders the selected option from labels fetched once for the whole formset."""

    labels: dict[str, str] | None = None

    def optgroups(self, name, value, attr=None):
        if self.labels is None:
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for pk in (str(v) for v in value if str(v) not in self.choices.field.empty_values):
            if pk in self.labels:
                options.append(self.create_option(name, pk, self.labels[pk], True, len(options)))
        return [(None, options, 0)]


def prefetch_labels(forms, field_names) -> None:
    """Fetch the selected objects of each autocomplete field for all ``forms`` in one query."""
    for name in field_names:
        values = {str(form[name].value()) for form in forms} - {"None", ""}
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
