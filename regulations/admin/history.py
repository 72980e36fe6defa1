"""History: who changed what and when, a compare view for any two versions, and revert.

Reverting means opening an old version as a form and saving it, and it goes through
the same doors as an ordinary save: the change permission on the object as it is now
and as the version would make it (so only reviewers touch what is published), the
lost-update check, ``save_model`` (history, change log) and the admin log, all in one
transaction. It restores content, never workflow: a rule's curation state and every
object's revision counter stay as they are (a revert is one more revision), because
only a transition moves a rule between draft, review and published.
"""

from __future__ import annotations

from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import mark_safe
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import get_m2m_reverse_field_name

# Fields an old version never brings back: state moves only by a transition, and the
# revision counts saves (a revert is one more).
WORKFLOW_FIELDS = ("state", "revision")


def version_id(value) -> int:
    """A history id from a URL or query string; anything else is a page that is not there."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("No such version.") from None


class HistoryAdmin(SimpleHistoryAdmin):
    """History with who changed what and when, revert, and a compare view for any two versions."""

    object_history_template = "admin/regulations/history.html"

    def get_urls(self):
        opts = self.model._meta
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_view),
            name=f"{opts.app_label}_{opts.model_name}_history_compare",
        )
        return [compare, *super().get_urls()]

    def current_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No {self.model._meta.verbose_name} with this id.")
        return obj

    def versions(self, obj):
        return self.model.history.filter(**{self.model._meta.pk.attname: obj.pk}).select_related("history_user")

    def history_view(self, request, object_id, extra_context=None):
        obj = self.current_or_404(request, object_id)
        context = {"versions": self.versions(obj).order_by("-history_date")[:200], **(extra_context or {})}
        return super().history_view(request, str(obj.pk), extra_context=context)

    def compare_view(self, request, object_id):
        obj = self.current_or_404(request, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        history = self.versions(obj)
        older = history.filter(history_id=version_id(request.GET.get("older"))).first()
        newer = history.filter(history_id=version_id(request.GET.get("newer"))).first()
        if older is None or newer is None:
            raise Http404("No such version.")
        if older.history_date > newer.history_date:
            older, newer = newer, older
        delta = newer.diff_against(older)
        rows = [
            (self.model._meta.get_field(change.field).verbose_name, change.old, change.new) for change in delta.changes
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "object": obj,
            "older": older,
            "newer": newer,
            "rows": rows,
            "title": f"Compare versions: {obj}",
        }
        return TemplateResponse(request, "admin/regulations/history_compare.html", context)

    def as_of(self, current, version):
        """``current`` with the content ``version`` recorded, its workflow fields untouched."""
        obj = version.instance
        obj._state.adding = False
        for name in WORKFLOW_FIELDS:
            if hasattr(current, name):
                setattr(obj, name, getattr(current, name))
        return obj

    def version_initial(self, version) -> dict:
        """Many-to-many values as the version recorded them (simple-history keeps them beside it)."""
        return {
            field.name: [
                getattr(row, f"{get_m2m_reverse_field_name(field)}_id") for row in getattr(version, field.name).all()
            ]
            for field in getattr(version, "_history_m2m_fields", [])
        }

    def history_form_view(self, request, object_id, version_id_text, extra_context=None):
        current = self.current_or_404(request, object_id)
        version = self.versions(current).filter(history_id=version_id(version_id_text)).first()
        if version is None:
            raise Http404("No such version.")
        if not self.has_view_or_change_permission(request, current):
            raise PermissionDenied
        obj = self.as_of(current, version)
        may_revert = self.has_change_permission(request, current) and self.has_change_permission(request, obj)
        if request.method == "POST":
            if not may_revert:
                raise PermissionDenied
            with transaction.atomic(using=router.db_for_write(self.model)):
                return self.revert(request, current, version, obj, extra_context)
        form = self.get_form(request, obj, change=True)(instance=obj, initial=self.version_initial(version))
        return self.render_revert_form(request, obj, version, form, may_revert, extra_context)

    def revert(self, request, current, version, obj, extra_context):
        """Save ``obj`` (the version's content) as an ordinary change; the caller holds the transaction."""
        form = self.get_form(request, obj, change=True)(request.POST, request.FILES, instance=obj)
        form.reverting = True  # differs from the current object even where it matches the old version
        if not form.is_valid():
            return self.render_revert_form(request, obj, version, form, True, extra_context)
        new_object = self.save_form(request, form, change=True)
        new_object._change_reason = f"Reverted to the version of {date_format(version.history_date, 'j M Y H:i')}"
        self.save_model(request, new_object, form, change=True)
        self.save_related(request, form, formsets=[], change=True)
        self.log_change(request, new_object, self.construct_change_message(request, form, []))
        return self.response_change(request, new_object)

    def render_revert_form(self, request, obj, version, form, may_revert, extra_context):
        opts = self.model._meta
        fieldsets = self.get_fieldsets(request, obj)
        readonly = self.get_readonly_fields(request, obj) if may_revert else flatten_fieldsets(fieldsets)
        prepopulated = self.get_prepopulated_fields(request, obj) if may_revert else {}
        admin_form = helpers.AdminForm(form, fieldsets, prepopulated, readonly, model_admin=self)
        url = f"admin:{opts.app_label}_{opts.model_name}"
        context = {
            **self.admin_site.each_context(request),
            "title": f"{'Revert' if may_revert else 'View'} {obj} to {date_format(version.history_date, 'j M Y H:i')}",
            "adminform": admin_form,
            "object_id": obj.pk,
            "original": obj,
            "is_popup": False,
            "media": mark_safe(self.media + admin_form.media),  # noqa: S308 - the admin's own widget media
            "errors": helpers.AdminErrorList(form, []),
            "app_label": opts.app_label,
            "original_opts": opts,
            "changelist_url": reverse(f"{url}_changelist"),
            "change_url": reverse(f"{url}_change", args=[obj.pk]),
            "history_url": reverse(f"{url}_history", args=[obj.pk]),
            "change_history": False,
            "revert_disabled": not may_revert,
            "add": False,
            "change": True,
            "has_add_permission": False,
            "has_view_permission": True,
            "has_change_permission": may_revert,
            "has_delete_permission": False,
            "has_editable_inline_admin_formsets": False,
            "has_file_field": False,
            "has_absolute_url": False,
            "form_url": "",
            "opts": opts,
            "content_type_id": self.content_type_model_cls.objects.get_for_model(self.model).id,
            "save_as": False,
            "save_on_top": self.save_on_top,
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.object_history_form_template, context)
