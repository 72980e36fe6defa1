"""The public pages at scale (issue 14), on PostgreSQL and SQLite, beside Datasette on the same data.

    make bench                                    # installs the bench extras, then runs this with its defaults
    .venv/bin/python bench/scale.py --rules 2000 --rounds 5 --load-seconds 5 \\
        --database-url postgres://postgres@127.0.0.1:5432/kb_scale_small --sqlite bench/.data/kb_scale_small.sqlite3

Builds each scale database unless it already has the synthetic rules (migrate, load_reference,
generate_scale_data), starts the product with gunicorn (DEBUG off, two workers per core) on each
database and Datasette on a copy of the SQLite file with full-text search, times every page
interleaved over plain HTTP, then each page in-process with its SQL time, then a load test; prints
Markdown tables for bench/README.md. Exits non-zero when a page did not answer 200.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import scale_build
import scale_http
import scale_report
import scale_sql

BENCH = Path(__file__).resolve().parent
LOGS = BENCH / ".data" / "logs"

# (label, path); {firm} is a real firm's slug, found on /companies/.
PAGES = [
    ("Home", "/"),
    ("Rule list (facets)", "/rules/"),
    ("Rules applying in DE", "/rules/?applies_in=de"),
    ("Search: word (cybersecurity)", "/rules/?q=cybersecurity"),
    ("Search: typo (cybersecurty)", "/rules/?q=cybersecurty"),
    ("Search: citation (2016/679)", "/rules/?q=2016/679"),
    ("Search: Chinese (汽车数据)", "/rules/?q=" + quote("汽车数据")),
    ("Search: common word (data)", "/rules/?q=data"),
    ("Jurisdictions", "/jurisdictions/"),
    ("Jurisdiction profile DE", "/jurisdictions/de/"),
    ("Compare DE, JP, BR", "/compare/?j=de&j=jp&j=br"),
    ("Provision matrix (8 markets)", "/provisions/"),
    ("Provision matrix, EU (27 markets)", "/provisions/?group=eu"),
    ("Provision map (one question)", "/provisions/map/?q=csms-type-approval"),
    ("Firms", "/companies/"),
    ("Firm page ({firm})", "/companies/{firm}/"),
    ("Readiness matrix", "/readiness/"),
    ("Changes", "/changes/"),
    ("Checklist preview DE", "/checklist/?applies_in=de"),
    ("Checklist DE, CSV", "/checklist/?applies_in=de&format=csv"),
    ("Sitemap", "/sitemap.xml"),
]
# The load test's mix: the HTML pages (not the CSV export, nor the sitemap a crawler reads once a day).
LOAD_EXCLUDED = {"/sitemap.xml", "/checklist/?applies_in=de&format=csv"}
# Datasette's equivalents, beside the product's page of the same label; 25 rows like the product.
FACETS = "_facet=jurisdiction_id&_facet=instrument&_facet=state&_size=25"
DATASETTE = [
    ("Rule list (facets)", "/{db}/regulations_rule?" + FACETS),
    ("Rules applying in DE", "/{db}/regulations_rule?jurisdiction_id={de}&" + FACETS),
    ("Search: word (cybersecurity)", "/{db}/regulations_rule?_search=cybersecurity&" + FACETS),
]


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/kb_scale")
    parser.add_argument("--sqlite", type=Path, default=BENCH / ".data" / "kb_scale.sqlite3")
    parser.add_argument("--rules", type=int, default=50_000, help="synthetic rules (10 requirements each)")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--warm-up", type=int, default=2, help="rounds first, not counted (workers warm up)")
    parser.add_argument("--slow-seconds", type=float, default=1.0, help="a page slower than this at first...")
    parser.add_argument("--slow-rounds", type=int, default=3, help="...gets only this many rounds (and SQL runs)")
    parser.add_argument("--sql-runs", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--load-seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2, help="gunicorn workers")
    parser.add_argument("--only", choices=["pg", "sqlite"])
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--build-only", action="store_true", help="build the databases, measure nothing")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-sql", action="store_true", help="no in-process SQL pass")
    return parser.parse_args()


def firm_slug(base: str) -> str:
    with urllib.request.urlopen(base + "/companies/", timeout=scale_http.TIMEOUT) as response:  # noqa: S310
        html = response.read().decode()
    slugs = re.findall(r'href="/companies/([a-z0-9-]+)/"', html)
    if not slugs:
        raise RuntimeError("no firm linked from /companies/")
    return slugs[0]


def jurisdiction_id(path: Path, code: str) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        return connection.execute("SELECT id FROM regulations_jurisdiction WHERE code = ?", [code]).fetchone()[0]


def stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt


def main() -> int:
    args = arguments()
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    began = time.perf_counter()
    databases = {}
    if args.only != "sqlite":
        databases["PostgreSQL"] = args.database_url
    if args.only != "pg" or args.sqlite.exists():
        databases["SQLite"] = scale_build.sqlite_url(args.sqlite)
    print("== databases ==", flush=True)
    for name, url in databases.items():
        if args.only in (None, "pg" if name == "PostgreSQL" else "sqlite") and not args.skip_build:
            print(f" {name}: {url}", flush=True)
            scale_build.build(url, args.rules)
    if args.build_only:
        return 0
    scale_build.collectstatic(next(iter(databases.values())))
    facts = {name: scale_build.counts(url) for name, url in databases.items()}
    fts_copy = scale_build.datasette_copy(args.sqlite.resolve()) if "SQLite" in databases else None
    products = {name: url for name, url in databases.items() if args.only in (None, scale_report.SHORT[name])}

    report = scale_report.Report(args=args, facts=facts, commit=commit())
    with contextlib.ExitStack() as servers:
        print("== servers ==", flush=True)
        bases = {}
        for name, url in products.items():
            server = scale_http.start_product(f"gunicorn-{scale_report.SHORT[name]}", url, LOGS, args.workers)
            servers.callback(server.stop)
            bases[name] = server.base
        if fts_copy:
            datasette = scale_http.start_datasette(fts_copy, LOGS)
            servers.callback(datasette.stop)
            bases["Datasette"] = datasette.base
        firm = firm_slug(next(iter(bases.values())))
        report.targets = [
            scale_http.Target(name, label.format(firm=firm), bases[name] + path.format(firm=firm))
            for label, path in PAGES
            for name in products
        ]
        if fts_copy:
            db, de = fts_copy.stem, jurisdiction_id(fts_copy, "DE")
            report.targets += [
                scale_http.Target("Datasette", label, bases["Datasette"] + path.format(db=db, de=de))
                for label, path in DATASETTE
            ]
        print(f"== interleaved timing: {len(report.targets)} pages, {args.rounds} rounds ==", flush=True)
        scale_http.time_interleaved(report.targets, args.rounds, args.slow_rounds, args.slow_seconds, args.warm_up)
        if fts_copy:
            report.facets_timed_out = datasette_timeouts(report.targets)
        if not args.skip_load:
            for name, url in products.items():
                print(f"== load test on {name}: {args.connections} connections, {args.load_seconds:.0f} s ==")
                paths = [path.format(firm=firm) for _, path in PAGES if path not in LOAD_EXCLUDED]
                urls = [bases[name] + path for path in paths]
                report.loads[name] = scale_http.load_test(urls, args.connections, args.load_seconds)
                short = scale_report.SHORT[name]
                cached = scale_http.start_product(f"gunicorn-{short}-cached", url, LOGS, args.workers, page_cache=True)
                servers.callback(cached.stop)
                print(f"== load test on {name} with the page cache on (production settings) ==")
                urls = [cached.base + path for path in paths]
                report.loads[f"{name}, page cache on"] = scale_http.load_test(urls, args.connections, args.load_seconds)
                cached.stop()
    if not args.skip_sql:
        name = "PostgreSQL" if "PostgreSQL" in products else "SQLite"
        print(f"== in-process pass with SQL time, {name} ==", flush=True)
        pages = [(label.format(firm=firm), path.format(firm=firm)) for label, path in PAGES]
        report.sql_database = name
        report.sql = scale_sql.measure(databases[name], pages, args.sql_runs, args.slow_rounds, args.slow_seconds)
    report.minutes = (time.perf_counter() - began) / 60
    print(report.markdown())
    failed = [t for t in report.targets if not t.ok] + [t for t in report.sql if t.status != 200]
    for target in failed:
        print(f"!! not 200: {target.url if hasattr(target, 'url') else target.path}", file=sys.stderr)
    return 1 if failed else 0


def datasette_timeouts(targets: list[scale_http.Target]) -> list[str]:
    """Facets that Datasette gave up on (past its facet time limit): its page is then lighter than it looks."""
    import json

    timed_out = []
    for target in targets:
        if target.server == "Datasette":
            url = target.url.replace("?", ".json?", 1)
            with urllib.request.urlopen(url, timeout=scale_http.TIMEOUT) as response:  # noqa: S310
                timed_out += [f"{target.label}: {f}" for f in json.load(response).get("facets_timed_out", [])]
    return timed_out


def commit() -> str:
    command = ["git", "rev-parse", "--short", "HEAD"]
    run = subprocess.run(command, cwd=BENCH, capture_output=True, text=True)  # noqa: S603 - git on PATH
    return run.stdout.strip() or "unknown"


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted; servers stopped", file=sys.stderr)
        sys.exit(130)
    finally:
        print(f"finished {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC", file=sys.stderr)
