"""Field-by-field comparison of any two versions in a model's history, beside simple-history's list and revert."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin


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

    def history_view(self, request, object_id, extra_context=None):
        versions = self.model.history.filter(**{self.model._meta.pk.attname: object_id}).select_related("history_user")
        context = {"versions": versions.order_by("-history_date")[:200], **(extra_context or {})}
        return super().history_view(request, object_id, extra_context=context)

    def compare_view(self, request, object_id):
        obj = get_object_or_404(self.model, pk=object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        history = self.model.history.filter(**{self.model._meta.pk.attname: obj.pk}).select_related("history_user")
        older = get_object_or_404(history, history_id=request.GET.get("older"))
        newer = get_object_or_404(history, history_id=request.GET.get("newer"))
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
