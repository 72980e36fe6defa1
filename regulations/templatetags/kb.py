"""Template helpers: sanitised Markdown, status badges, query-string edits."""

import markdown as markdown_lib
import nh3
from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from regulations.content.countries import official_language
from regulations.models import LegalStatus

register = template.Library()

ALLOWED_TAGS = {"p", "ul", "ol", "li", "em", "strong", "code", "pre", "blockquote", "a", "h3", "h4", "br"}
STATUS_STYLES = {
    LegalStatus.IN_FORCE: "text-bg-success",
    LegalStatus.ADOPTED: "text-bg-info",
    LegalStatus.PROPOSED: "text-bg-warning",
    LegalStatus.REPEALED: "text-bg-secondary",
    LegalStatus.UNDETERMINED: "text-bg-light border",
}


@register.filter
def markdown(text: str) -> str:
    """Render curator Markdown and keep only harmless tags and attributes."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"])
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


@register.simple_tag
def status_badge(status: str):
    label = LegalStatus(status).label if status in LegalStatus.values else status
    return format_html('<span class="badge {}">{}</span>', STATUS_STYLES.get(status, "text-bg-light"), label)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (None removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def get_field_errors(form, name):
    return form.errors.get(name, []) if form.is_bound else []


@register.filter
def language_of(jurisdiction) -> str:
    """BCP 47 tag of the main official language of a jurisdiction (or of its country)."""
    code = jurisdiction.code.split("-")[0]
    language = official_language(code)
    return language.replace("_", "-") if language else ""
