"""Template helpers: sanitised Markdown, status badges, query-string edits."""

import datetime as dt

import markdown as markdown_lib
import nh3
from django import template
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import slugify

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


FACET_OPTION = (
    '<div class="form-check{}{}">'
    '<input class="form-check-input" type="{}" name="{}" value="{}" id="{}"{}>'
    '<label class="form-check-label d-flex justify-content-between" for="{}">'
    '<span>{}</span><span class="badge rounded-pill kb-count">{}</span></label></div>'
)


@register.simple_tag
def facet_options(facet, options):
    """The check boxes (radio buttons for the level) of some of a facet's options.

    Made in Python rather than by a template: the rule list shows a few hundred options,
    and an included template per option was a sixth of a search page's time at scale.
    """
    kind = "radio" if facet.name == "level" else "checkbox"
    return format_html_join(
        "",
        FACET_OPTION,
        (
            (
                " ms-3" if option.depth else "",
                "" if option.count or option.selected else " kb-empty",
                kind,
                facet.name,
                option.value,
                ident := f"f-{facet.name}-{slugify(option.value)}",
                mark_safe(" checked") if option.selected else "",
                ident,
                option.label,
                option.count,
            )
            for option in options
        ),
    )


@register.filter
def get_field_errors(form, name):
    return form.errors.get(name, []) if form.is_bound else []


@register.filter
def language_of(jurisdiction) -> str:
    """BCP 47 tag of the main official language of a jurisdiction (or of its country)."""
    code = jurisdiction.code.split("-")[0]
    language = official_language(code)
    return language.replace("_", "-") if language else ""


@register.filter
def day_or_text(value) -> str:
    """A checklist date cell: a day as "6 Jul 2022"; text (dates per market) as it is; nothing as a dash."""
    if isinstance(value, dt.date):
        return date_format(value, "j M Y")
    return value or "—"


@register.filter
def percent(share: float) -> str:
    return f"{round(share * 100)}%"


@register.filter
def heat(share: float) -> str:
    """A heat-map class in five bands of the met share; the cell always carries the figure as text too."""
    return f"kb-heat-{min(int(share * 5), 4)}"


@register.simple_tag
def trend_svg(trend, width: int = 150, height: int = 40):
    """A small server-drawn line of a firm's met share by month, with its scale (0 and 100%), and its
    first and last values and months written beside it: readable without the picture."""
    if not trend.points:
        return format_html('<span class="small text-body-secondary">{}</span>', "no dated assessments")
    count, left, top, bottom = len(trend.points), 30, 4, height - 4
    step = (width - left) / max(count - 1, 1)
    points = " ".join(
        f"{left + i * step:.1f},{bottom - share * (bottom - top):.1f}" for i, (_, share) in enumerate(trend.points)
    )
    first, last = trend.points[0], trend.points[-1]
    label = (
        f"Share met went from {first[1]:.0%} in {first[0]:%B %Y} to {last[1]:.0%} in {last[0]:%B %Y}"
        if count > 1
        else f"{last[1]:.0%} met in {last[0]:%B %Y}"
    )
    text = f"{first[1]:.0%} ({first[0]:%b %Y}) → {last[1]:.0%} ({last[0]:%b %Y})" if count > 1 else label
    return format_html(
        '<svg class="kb-trend" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{label}">'
        "<title>{label}</title>"
        '<text x="0" y="{ty}" font-size="9" class="kb-trend-scale">100%</text>'
        '<text x="0" y="{by}" font-size="9" class="kb-trend-scale">0%</text>'
        '<line x1="{left}" y1="{top}" x2="{w}" y2="{top}" class="kb-trend-grid"/>'
        '<line x1="{left}" y1="{bottom}" x2="{w}" y2="{bottom}" class="kb-trend-axis"/>'
        '<polyline points="{points}" class="kb-trend-line"/></svg>'
        '<span class="d-block small text-body-secondary kb-trend-text" aria-hidden="true">{text}</span>',
        w=width,
        h=height,
        label=label,
        ty=top + 7,
        by=bottom,
        left=left,
        top=top,
        bottom=bottom,
        points=points,
        text=text,
    )


@register.simple_tag
def readiness_bar(readiness):
    """The statuses' shares as one stacked bar, described for screen readers.

    An SVG sized by attributes: the Content-Security-Policy refuses inline style="width: ..".
    """
    label = ", ".join(f"{label} {count}" for _, label, count, _ in readiness.bars) + f" of {readiness.total}"
    segments, offset = [], 0.0
    for status, _, count, share in readiness.bars:
        if count:
            segments.append((status, f"{offset * 100:.2f}", f"{share * 100:.2f}"))
            offset += share
    return format_html(
        '<svg class="kb-bar" viewBox="0 0 100 1" preserveAspectRatio="none" role="img" aria-label="{}">{}</svg>',
        label,
        format_html_join("", '<rect class="bar-{}" x="{}" width="{}" height="1"/>', segments),
    )
