"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Smart-vehicle compliance KB: curation"
admin.site.site_title = "Smart-vehicle compliance KB"
admin.site.index_title = "Content"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("regulations.urls")),
]
