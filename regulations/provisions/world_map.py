"""A server-rendered choropleth of the world, with Europe enlarged, from the vendored country shapes.

It works without JavaScript: each shaded country is a link to its profile, and its
``<title>`` names it and its shade. The picture repeats what the text table beside it
says, so it is hidden from screen readers and its links are left out of the tab order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

SHAPES = settings.BASE_DIR / "static" / "vendor" / "svg-maps-world" / "world.json"
EUROPE = (400.0, 165.0, 615.0, 375.0)  # x0, y0, x1, y1 of the view box: Iceland to the Urals, Malta to North Cape
ATTRIBUTION = "Map shapes: @svg-maps/world by Victor Cazanave, CC BY 4.0, simplified."


@dataclass(frozen=True)
class Shade:
    """How one country is drawn: a CSS class (its colour), what its title says, where a click goes."""

    css: str
    title: str
    href: str = ""


@lru_cache(maxsize=1)
def shapes() -> dict:
    return json.loads(SHAPES.read_text(encoding="utf-8"))


def in_europe(box: list[float]) -> bool:
    x0, y0, x1, y1 = EUROPE
    return box[0] < x1 and box[2] > x0 and box[1] < y1 and box[3] > y0


def country(code: str, shape: dict, shade: Shade | None) -> SafeString:
    if shade is None:
        return format_html('<path class="kb-map-none" d="{}"><title>{}</title></path>', shape["d"], shape["name"])
    path = format_html(
        '<path class="{}" d="{}" data-code="{}"><title>{}: {}</title></path>',
        shade.css,
        shape["d"],
        code,
        shape["name"],
        shade.title,
    )
    if not shade.href:
        return path
    return format_html('<a href="{}" tabindex="-1">{}</a>', shade.href, path)


def svg(view_box: str, paths: SafeString, css: str) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="{}" class="{}" aria-hidden="true" focusable="false">{}</svg>',
        view_box,
        css,
        paths,
    )


@dataclass(frozen=True)
class Pictures:
    world: SafeString
    europe: SafeString


def world_map(shades: dict[str, Shade]) -> Pictures:
    """The world and, enlarged, Europe, each country shaded by ``shades`` (keyed by ISO code) or left plain."""
    data = shapes()
    countries = data["countries"]
    drawn = {code: country(code, shape, shades.get(code)) for code, shape in countries.items()}
    world = format_html_join("", "{}", ((path,) for path in drawn.values()))
    europe = format_html_join(
        "", "{}", ((drawn[code],) for code, shape in countries.items() if in_europe(shape["box"]))
    )
    x0, y0, x1, y1 = EUROPE
    return Pictures(
        svg(data["view_box"], world, "kb-map kb-map-world"),
        svg(f"{x0:g} {y0:g} {x1 - x0:g} {y1 - y0:g}", europe, "kb-map kb-map-europe"),
    )
