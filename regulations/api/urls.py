"""/api/v1/: the JSON API and its OpenAPI schema."""

from django.urls import path, re_path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from .applicability import ApplicabilityView
from .changes import ChangeList
from .companies import AssessmentViewSet, CompanyViewSet
from .views import CODE, SLUG, ChecklistView, JurisdictionViewSet, RequirementViewSet, RuleViewSet

app_name = "api"

router = SimpleRouter()
router.register("rules", RuleViewSet, basename="rule")
router.register("jurisdictions", JurisdictionViewSet, basename="jurisdiction")
router.register("companies", CompanyViewSet, basename="company")
router.register("assessments", AssessmentViewSet, basename="assessment")

requirement = RequirementViewSet.as_view({"get": "retrieve"})

urlpatterns = [
    *router.urls,
    path("requirements/", RequirementViewSet.as_view({"get": "list"}), name="requirement-list"),
    re_path(rf"^rules/(?P<slug>{SLUG})/requirements/(?P<key>{SLUG})/$", requirement, name="requirement-detail"),
    re_path(rf"^jurisdictions/(?P<code>{CODE})/applicability/$", ApplicabilityView.as_view(), name="applicability"),
    path("checklist/", ChecklistView.as_view(), name="checklist"),
    path("changes/", ChangeList.as_view(), name="change-list"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", TemplateView.as_view(template_name="api/docs.html"), name="docs"),
]
