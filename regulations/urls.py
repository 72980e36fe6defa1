from django.urls import path

from .views import changes, checklist, companies, health, home, jurisdictions, matrix, rules

app_name = "regulations"

urlpatterns = [
    path("", home.home, name="home"),
    path("rules/", rules.rule_list, name="rule-list"),
    path("rules/<slug:slug>/", rules.rule_detail, name="rule-detail"),
    path("jurisdictions/", jurisdictions.jurisdiction_list, name="jurisdiction-list"),
    path("jurisdictions/<str:code>/", jurisdictions.jurisdiction_detail, name="jurisdiction-detail"),
    path("compare/", jurisdictions.compare, name="compare"),
    path("checklist/", checklist.checklist, name="checklist"),
    path("companies/", companies.company_list, name="company-list"),
    path("companies/<slug:slug>/", companies.company_detail, name="company-detail"),
    path("readiness/", matrix.readiness_matrix, name="readiness"),
    path("changes/", changes.changes, name="changes"),
    path("changes/feed/", changes.change_feed, name="changes-feed"),
    path("deadlines.ics", changes.deadline_calendar, name="deadlines-ics"),
    path("healthz", health.healthz, name="healthz"),
]
