"""The checklist preview's index by topic: on each topic, which rules hold requirements, and where.

The preview is laid out by market and rule; a topic cuts across both, so its index entry
points at every rule, in every market, with a requirement on it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from regulations.checklists import MarketRows
from regulations.models import Topic


class RuleOnTopic(NamedTuple):
    market: str  # the market's code, as the preview heads it
    title: str
    short_name: str
    anchor: str
    requirements: int  # how many of the rule's rows there are on the topic


class TopicEntry(NamedTuple):
    topic: Topic
    rules: list[RuleOnTopic]

    @property
    def requirements(self) -> int:
        return sum(rule.requirements for rule in self.rules)


def topic_index(markets: list[MarketRows], topics: Iterable[Topic]) -> list[TopicEntry]:
    """Each topic the rows touch, in the topic tree's order, with the rules to jump to."""
    counts: dict[str, Counter] = {}
    places: dict[str, tuple[str, str, str]] = {}  # anchor -> market, title, short name
    for market in markets:
        for rule in market.rules:
            places[rule.anchor] = (market.code, rule.title, rule.short_name)
            for row in rule.rows:
                for slug in row["topic_slugs"]:
                    counts.setdefault(slug, Counter())[rule.anchor] += 1
    return [
        TopicEntry(topic, [RuleOnTopic(*places[anchor], anchor, n) for anchor, n in counts[topic.slug].items()])
        for topic in topics
        if topic.slug in counts
    ]
