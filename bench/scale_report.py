"""The Markdown tables bench/scale.py prints, for bench/README.md."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
from dataclasses import dataclass, field

from scale_http import Load, Target
from scale_sql import SqlTiming

SHORT = {"PostgreSQL": "pg", "SQLite": "sqlite"}
PAGE_BUDGET = 0.300  # seconds, p50 (issue 14, targets 3 and 4)
SIZE_BUDGET = 300 * 1024  # bytes of HTML
SEARCH_BUDGET = 0.050  # seconds, p95 (target 2)
NOT_HTML = ("format=csv", "/sitemap.xml")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def verdict(target: Target) -> str:
    """The issue's target for this page, met or not: searches p95 < 50 ms, pages p50 <= 300 ms and <= 300 KB."""
    if any(part in target.url for part in NOT_HTML):
        return ""
    if "/rules/?q=" in target.url:
        return "ok" if target.p(95) < SEARCH_BUDGET else "MISS"
    return "ok" if target.p(50) <= PAGE_BUDGET and max(target.sizes) <= SIZE_BUDGET else "MISS"


@dataclass
class Report:
    args: argparse.Namespace
    facts: dict[str, tuple[int, int]]
    commit: str
    targets: list[Target] = field(default_factory=list)
    loads: dict[str, Load] = field(default_factory=dict)
    sql: list[SqlTiming] = field(default_factory=list)
    sql_database: str = ""
    facets_timed_out: list[str] = field(default_factory=list)
    minutes: float = 0.0
    load_before: float = field(default_factory=lambda: os.getloadavg()[0])

    def of(self, server: str) -> dict[str, Target]:
        return {t.label: t for t in self.targets if t.server == server}

    def markdown(self) -> str:
        lines = [
            "",
            f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d} at commit {self.commit}; {platform.platform()}, "
            f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}; "
            f"gunicorn with {self.args.workers} sync workers per server; the run took {self.minutes:.0f} min; "
            f"load average {self.load_before:.1f} before the servers started, {os.getloadavg()[0]:.1f} at the end.",
            "",
        ]
        lines += [
            f"- {name}: {rules:,} rules, {requirements:,} requirements"
            for name, (rules, requirements) in self.facts.items()
        ]
        lines += self.pages_table() + self.datasette_table() + self.sql_table() + self.load_table()
        return "\n".join(lines)

    def pages_table(self) -> list[str]:
        servers = [name for name in SHORT if self.of(name)]
        head = " | ".join(f"{SHORT[s]} p50 ms | {SHORT[s]} p95 ms | {SHORT[s]} target" for s in servers)
        lines = [
            "",
            f"Pages, over plain HTTP, interleaved: {self.args.rounds} rounds, {self.args.slow_rounds} for a page "
            f"slower than {self.args.slow_seconds:g} s at first (n); target: searches p95 < 50 ms, "
            "other pages p50 <= 300 ms and <= 300 KB.",
            "",
            f"| page | {head} | KB | n | status |",
            "|---|" + "---:|---:|---|" * len(servers) + "---:|---:|---|",
        ]
        first = self.of(servers[0]) if servers else {}
        for label in first:
            row = [self.of(s)[label] for s in servers]
            cells = " | ".join(f"{ms(t.p(50))} | {ms(t.p(95))} | {verdict(t)}" for t in row)
            size = max(max(t.sizes) for t in row) / 1024
            statuses = ", ".join(
                f"{SHORT[s]} {'/'.join(map(str, sorted(t.statuses)))}" for s, t in zip(servers, row, strict=True)
            )
            lines.append(f"| {label} | {cells} | {size:,.0f} | {min(len(t.times) for t in row)} | {statuses} |")
        return lines

    def datasette_table(self) -> list[str]:
        datasette = self.of("Datasette")
        if not datasette:
            return []
        servers = [name for name in SHORT if self.of(name)]
        head = " | ".join(f"{SHORT[s]} p50 ms | {SHORT[s]} ÷ Datasette" for s in servers)
        lines = [
            "",
            "Beside Datasette on a copy of the SQLite file (immutable, full-text search on rules), same rounds; "
            "ratio of the p50s (target: at most 1 for the rule list):",
            "",
            f"| page | Datasette URL | Datasette p50 ms | Datasette p95 ms | KB | {head} |",
            "|---|---|---:|---:|---:|" + "---:|---:|" * len(servers),
        ]
        for label, target in datasette.items():
            cells = " | ".join(
                f"{ms(self.of(s)[label].p(50))} | {self.of(s)[label].p(50) / target.p(50):.1f}" for s in servers
            )
            path = target.url.split("/", 3)[-1]
            lines.append(
                f"| {label} | `/{path}` | {ms(target.p(50))} | {ms(target.p(95))} | "
                f"{max(target.sizes) / 1024:,.0f} | {cells} |"
            )
        lines += ["", "Datasette facets that timed out: " + ("; ".join(self.facets_timed_out) or "none")]
        return lines

    def sql_table(self) -> list[str]:
        if not self.sql:
            return []
        lines = [
            "",
            f"In process ({self.sql_database}, django.test.Client, DEBUG off), median of "
            f"{self.args.sql_runs} requests ({self.args.slow_rounds} for a slow page), "
            "time in SQL from `connection.execute_wrapper` (target: page at most 2x SQL for the rule list):",
            "",
            "| page | page ms | SQL ms | queries | page ÷ SQL | n | status |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for row in self.sql:
            ratio = f"{row.page / row.sql:.1f}" if row.sql else "-"
            lines.append(
                f"| {row.label} | {ms(row.page)} | {ms(row.sql)} | {row.queries} | {ratio} | "
                f"{row.runs} | {row.status} |"
            )
        return lines

    def load_table(self) -> list[str]:
        if not self.loads:
            return []
        lines = [
            "",
            f"Load: {self.args.connections} concurrent connections for {self.args.load_seconds:g} s over the HTML "
            "pages above in turn (target: no error, p95 < 1 s); *seconds* lasts until the last request sent "
            "in time has its answer (or has waited 120 s):",
            "",
            "| database | seconds | requests | requests/s | p50 ms | p95 ms | errors |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        for name, load in self.loads.items():
            errors = sum(load.errors.values())
            detail = f"{errors}: " + ", ".join(f"{k} x{v}" for k, v in sorted(load.errors.items())) if errors else "0"
            lines.append(
                f"| {name} | {load.seconds:.0f} | {len(load.times):,} | {len(load.times) / load.seconds:.1f} | "
                f"{ms(load.p(50))} | {ms(load.p(95))} | {detail} |"
            )
        return lines
