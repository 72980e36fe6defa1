"""Time the curator admin with 50,000 rules and 500,000 requirements.

    createdb -h 127.0.0.1 -U postgres kb_scale
    .venv/bin/python bench/admin_scale.py --database-url postgres://postgres@127.0.0.1:5432/kb_scale

Migrates the database, loads the reference content, generates the synthetic corpus
(manage.py generate_scale_data) unless it is already there, then requests admin pages
as a superuser through the real views and prints a Markdown table (median of 5 runs,
with the number of SQL queries) for bench/README.md.
"""

import argparse
import statistics
import time

from benchsetup import configure


def setup(database_url: str) -> None:
    configure(database_url)


def pages(rule, requirement) -> list[tuple[str, str]]:
    return [
        ("Rule changelist", "/admin/regulations/rule/"),
        (
            "Rule changelist, filtered (published, EU)",
            "/admin/regulations/rule/?state__exact=published&jurisdiction__id__exact=" + str(rule.jurisdiction_id),
        ),
        ("Rule search 'telematics'", "/admin/regulations/rule/?q=telematics"),
        ("Rule search 'Synthetic Act 4711'", "/admin/regulations/rule/?q=Synthetic+Act+4711"),
        ("Rule change page (10 requirements inline)", f"/admin/regulations/rule/{rule.pk}/change/"),
        ("Requirement changelist", "/admin/regulations/requirement/"),
        ("Requirement search 'article 7'", "/admin/regulations/requirement/?q=article+7"),
        ("Requirement change page", f"/admin/regulations/requirement/{requirement.pk}/change/"),
        (
            "Rule autocomplete 'cloud'",
            "/admin/autocomplete/?app_label=regulations&model_name=requirement&field_name=rule&term=cloud",
        ),
    ]


def measure(client, url: str, runs: int = 5) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
    return statistics.median(times), len(queries), response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rules", type=int, default=50_000)
    args = parser.parse_args()
    setup(args.database_url)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from regulations.models import Requirement, Rule

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    have = Rule.objects.filter(slug__startswith="scale-").count()
    if have < args.rules:
        started = time.perf_counter()
        call_command("generate_scale_data", rules=args.rules - have, verbosity=0)
        print(f"generated in {time.perf_counter() - started:.0f} s")
    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    rule = Rule.objects.filter(slug="scale-4711").first() or Rule.objects.filter(slug__startswith="scale-").first()
    requirement = rule.requirements.first()
    print(
        f"database: {connection.vendor}; {Rule.objects.count():,} rules, {Requirement.objects.count():,} requirements"
    )
    print("| page | median seconds | SQL queries | status |")
    print("|---|---:|---:|---:|")
    for label, url in pages(rule, requirement):
        seconds, queries, status = measure(client, url)
        print(f"| {label} | {seconds:.3f} | {queries} | {status} |")


if __name__ == "__main__":
    main()
