"""Tabular inlines whose fields are named for assistive technology.

A tabular inline labels its columns once, in the table head; the inputs in each row, the delete
box included, carry no ``<label>``, so a screen reader announces "edit text" forty times (and axe
reports every one). Each widget is named after its column with ``aria-label``.
"""

from django.contrib import admin


class LabelledTabularInline(admin.TabularInline):
    def get_formset(self, request, obj=None, **kwargs):
        base = super().get_formset(request, obj, **kwargs)
        deleting = f"Delete this {self.model._meta.verbose_name}"

        class LabelledFormset(base):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                for name, field in form.fields.items():
                    widget = getattr(field.widget, "widget", field.widget)  # inside a related-object wrapper
                    widget.attrs.setdefault("aria-label", deleting if name == "DELETE" else str(field.label))

        return LabelledFormset
