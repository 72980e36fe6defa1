from django.urls import path, register_converter

from .converters import JurisdictionCodeConverter, SlugConverter, TableFormatConverter
from .views import (
    changes,
    checklist,
    companies,
    evidence,
    health,
    home,
    jurisdictions,
    matrix,
    open_data,
    provisions,
    rules,
    tables,
    watches,
    workspace,
    workspace_sheet,
)

app_name = "regulations"

register_converter(JurisdictionCodeConverter, "jurisdiction_code")
register_converter(SlugConverter, "bounded_slug")
register_converter(TableFormatConverter, "table_format")

urlpatterns = [
    path("", home.home, name="home"),
    path("rules/", rules.rule_list, name="rule-list"),
    path("rules.<table_format:fmt>", tables.rules_table, name="rule-table"),
    path("jurisdictions.<table_format:fmt>", tables.jurisdictions_table, name="jurisdiction-table"),
    path("companies.<table_format:fmt>", tables.companies_table, name="company-table"),
    path("rules/<bounded_slug:slug>/", rules.rule_detail, name="rule-detail"),
    path(
        "rules/<bounded_slug:slug>/requirements/<bounded_slug:key>/",
        rules.requirement_detail,
        name="requirement-detail",
    ),
    path("jurisdictions/", jurisdictions.jurisdiction_list, name="jurisdiction-list"),
    path("jurisdictions/<jurisdiction_code:code>/", jurisdictions.jurisdiction_detail, name="jurisdiction-detail"),
    path("compare/", jurisdictions.compare, name="compare"),
    path("checklist/", checklist.checklist, name="checklist"),
    path("provisions/", provisions.provisions, name="provisions"),
    path("provisions/map/", provisions.provision_map, name="provision-map"),
    path("companies/", companies.company_list, name="company-list"),
    path("companies/<bounded_slug:slug>/", companies.company_detail, name="company-detail"),
    path("readiness/", matrix.readiness_matrix, name="readiness"),
    path("changes/", changes.changes, name="changes"),
    path("changes/feed/", changes.change_feed, name="changes-feed"),
    path("deadlines.ics", changes.deadline_calendar, name="deadlines-ics"),
    path("healthz", health.healthz, name="healthz"),
    path("open-data/", open_data.open_data, name="open-data"),
    path("open-data/<str:name>", open_data.open_data_file, name="open-data-file"),
    path("workspace/", workspace.workspace_home, name="workspace"),
    path("workspace/watches/", watches.add_watch, name="workspace-watch"),
    path("workspace/evidence/<int:pk>/file", evidence.evidence_file, name="workspace-evidence-file"),
    path("workspace/<bounded_slug:company>/evidence/expiring/", evidence.expiring_evidence, name="workspace-expiring"),
    path("workspace/watches/<int:pk>/delete/", watches.remove_watch, name="workspace-unwatch"),
    path(
        "workspace/<bounded_slug:company>/<bounded_slug:slug>/reviewed/",
        workspace.mark_reviewed,
        name="workspace-reviewed",
    ),
    path(
        "workspace/<bounded_slug:company>/<bounded_slug:slug>/",
        workspace.programme_grid,
        name="workspace-programme",
    ),
    path(
        "workspace/<bounded_slug:company>/<bounded_slug:slug>/export.xlsx",
        workspace_sheet.export_programme,
        name="workspace-export",
    ),
    path(
        "workspace/<bounded_slug:company>/<bounded_slug:slug>/upload/",
        workspace_sheet.upload_programme,
        name="workspace-upload",
    ),
    path(
        "workspace/<bounded_slug:company>/<bounded_slug:slug>/apply/",
        workspace_sheet.apply_upload,
        name="workspace-apply",
    ),
    path(
        "workspace/<bounded_slug:company>/<bounded_slug:slug>/requirements/<int:requirement_id>/evidence/",
        evidence.requirement_evidence,
        name="workspace-evidence",
    ),
    path(
        "workspace/<bounded_slug:company>/<bounded_slug:slug>/requirements/<int:requirement_id>/",
        workspace.record_row,
        name="workspace-row",
    ),
]
