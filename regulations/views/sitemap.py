"""One page of one sitemap section, written directly.

Django's sitemap view renders a template and reverses a URL per address: about a
millisecond each, so a page of a few thousand requirement addresses took seconds.
"""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, HttpResponse
from django.utils.html import escape

from regulations.sitemaps import SITEMAPS

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
TAIL = "</urlset>\n"


def sitemap_section(request, section: str):
    sitemap_class = SITEMAPS.get(section)
    if sitemap_class is None:
        raise Http404("No such sitemap section.")
    site = sitemap_class()
    try:
        page = site.paginator.page(request.GET.get("p") or 1)
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404("No such page of the sitemap.") from error
    origin = f"{request.scheme}://{request.get_host()}"
    lastmod = getattr(site, "lastmod", None)
    entries = []
    for item in page.object_list:
        entry = f"<url><loc>{escape(origin + site.location(item))}</loc>"
        if callable(lastmod) and (modified := lastmod(item)):
            entry += f"<lastmod>{modified.date().isoformat()}</lastmod>"
        entries.append(f"{entry}<changefreq>{site.changefreq}</changefreq></url>\n")
    response = HttpResponse(HEAD + "".join(entries) + TAIL, content_type="application/xml")
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response
