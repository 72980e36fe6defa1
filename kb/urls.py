"""Root URL configuration."""

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from regulations.sitemaps import SITEMAPS

admin.site.site_header = "Smart-vehicle compliance KB: curation"
admin.site.site_title = "Smart-vehicle compliance KB"
admin.site.index_title = "Content"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("regulations.urls")),
]
