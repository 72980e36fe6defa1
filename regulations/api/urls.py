"""/api/v1/: the JSON API and its OpenAPI schema."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from .views import ChecklistView, JurisdictionViewSet, RuleViewSet

app_name = "api"

router = SimpleRouter()
router.register("rules", RuleViewSet, basename="rule")
router.register("jurisdictions", JurisdictionViewSet, basename="jurisdiction")

urlpatterns = [
    *router.urls,
    path("checklist/", ChecklistView.as_view(), name="checklist"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
