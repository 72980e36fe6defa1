"""PDFs made with WeasyPrint from a print template, with our own static files and nothing else.

WeasyPrint would fetch whatever a document points to (``http:``, ``file:``, ``data:``).
Ours only ever needs its stylesheet, so its fetcher serves files under the static URL of
the site the PDF is made for, read from the static folders on disk, and refuses every
other URL: no network request, no file outside static/, whatever the content holds.
Links in the PDF resolve against the site, so they open the real pages.
"""

from __future__ import annotations

import mimetypes
import posixpath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from regulations.context_processors import site as site_name
from regulations.exports.cells import attachment

CONTENT_TYPE = "application/pdf"


class StaticFilesOnly(URLFetcher):
    """Serve ``<site><STATIC_URL><path>`` from the static folders; refuse anything else."""

    def __init__(self, site: str):
        super().__init__(allowed_protocols=())
        self.prefix = site.rstrip("/") + "/" + settings.STATIC_URL.strip("/") + "/"

    def fetch(self, url, headers=None):
        path = self.static_path(url)
        found = finders.find(path) if path else None
        if not found:
            raise ValueError(f"Refused to fetch {url[:200]}: a PDF reads only the site's own static files")
        with open(found, "rb") as file:
            body = file.read()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})

    def static_path(self, url: str) -> str | None:
        """The static file a URL names, or None when it is not one (another host, a query, a way out)."""
        if not url.startswith(self.prefix) or urlsplit(url).query:
            return None
        path = unquote(urlsplit(url).path)
        relative = posixpath.normpath(path.removeprefix(urlsplit(self.prefix).path))
        if relative.startswith(("..", "/")) or "\\" in relative or "\x00" in relative:
            return None
        return relative


def render_pdf(template: str, context: dict, site: str) -> bytes:
    """Render ``template`` as a PDF; ``site`` (scheme and host) is where its links and stylesheet resolve."""
    html = render_to_string(template, {**site_name(None), **context})
    document = HTML(string=html, base_url=site.rstrip("/") + "/", url_fetcher=StaticFilesOnly(site))
    return document.write_pdf()


def pdf_response(data: bytes, filename: str, checklist=None) -> HttpResponse:
    """The PDF as a download named like the other exports (with a checklist's ``Coverage`` header)."""
    return attachment(HttpResponse(data, content_type=CONTENT_TYPE), filename, checklist)
