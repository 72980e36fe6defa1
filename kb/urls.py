"""Root URL configuration."""

from django.contrib import admin
from django.contrib.sitemaps.views import index
from django.urls import include, path
from django.views.generic import RedirectView

from regulations.sitemaps import SITEMAPS
from regulations.views.sitemap import sitemap_section

admin.site.site_header = "Smart-vehicle compliance KB: curation"
admin.site.site_title = "Smart-vehicle compliance KB"
admin.site.index_title = "Content"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("regulations.api.urls")),
    path("api/schema/", RedirectView.as_view(pattern_name="api:schema", query_string=True)),
    path("api/docs/", RedirectView.as_view(pattern_name="api:docs")),
    path("sitemap.xml", index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"}, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap-section"),
    path("", include("regulations.urls")),
]

handler404 = "regulations.api.problems.not_found"
handler500 = "regulations.api.problems.server_error"
