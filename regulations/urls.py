from django.urls import path

from .views import health

app_name = "regulations"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
]
