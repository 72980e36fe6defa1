"""The provision matrix's cell, made in Python: a group's page shows hundreds of them, each with links."""

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from regulations.provisions.matrix import Cell, Reading
from regulations.sitemaps import REQUIREMENT_ADDRESS, RULE_ADDRESS

register = template.Library()


def rests_on(reading: Reading) -> str:
    links = ((REQUIREMENT_ADDRESS(r.rule.slug, r.key), r.rule, r.reference or r.key) for r in reading.requirements)
    return format_html_join(", ", '<a href="{}">{} {}</a>', links)


def where_from(cell: Cell, reading: Reading) -> str:
    since = f"From {date_format(reading.holds_from, 'j M Y')}" if reading.holds_from else "Date not recorded"
    maker = reading.answer.jurisdiction
    return since if maker.pk == cell.market.pk else f"{since}; {maker.name} law"


def other_answer(reading: Reading) -> tuple:
    force = "" if reading.force == "binding" else f", {reading.label.lower()}"
    answer = reading.answer
    return answer.value, answer.get_value_display(), answer.jurisdiction.name, force, answer.explanation


def finding(answer) -> str:
    """A dated search that found no rule: what it says, what was searched, and the rules read, linked."""
    read = format_html_join(", ", '<a href="{}">{}</a>', ((RULE_ADDRESS(rule.slug), rule) for rule in answer.read))
    return format_html(
        '<p class="small mb-1">{}</p><p class="small text-body-secondary mb-0">Searched: {} Read: {}</p>',
        answer.explanation,
        answer.searched,
        read or "none published",
    )


@register.simple_tag
def provision_cell(cell: Cell) -> str:
    """The value, the explanation, from when and through whose law, the requirements behind it, other answers."""
    value = format_html(
        '<span class="kb-prov kb-prov-{} fw-semibold" data-status="{}">{}</span>', cell.status, cell.status, cell.label
    )
    reading = cell.headline
    if reading is None and cell.finding is not None:
        return format_html("{}{}", value, finding(cell.finding))
    if reading is None:
        return format_html('{}<p class="small text-body-secondary mb-0">{}</p>', value, cell.explanation)
    detail = format_html(
        '<p class="small mb-1">{}</p><p class="small text-body-secondary mb-0">{}. Rests on: {}</p>',
        cell.explanation,
        where_from(cell, reading),
        rests_on(reading),
    )
    others = cell.readings[1:]
    if not others:
        return format_html("{}{}", value, detail)
    items = format_html_join("", '<li><span class="kb-prov-{}">{}</span> ({}{}): {}</li>', map(other_answer, others))
    more = format_html(
        '<details class="small"><summary>Also {} more answer{}</summary><ul class="ps-3 mb-0">{}</ul></details>',
        len(others),
        "" if len(others) == 1 else "s",
        items,
    )
    return format_html("{}{}{}", value, detail, more)
