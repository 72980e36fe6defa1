"""Time and memory of PDF downloads (WeasyPrint) on the reference content, to choose their ceiling.

    .venv/bin/python bench/pdf_exports.py [--database-url URL]

Loads the reference content into a temporary SQLite file (or uses --database-url, a database
already loaded with it), then requests each case through the real view, each in a process of its
own so that its peak memory is its own: a DE+FR checklist, the German one, a checklist of every
market (with the row ceiling lifted, to see what it would cost) and the German profile. Prints a
Markdown table for bench/README.md.
"""

import argparse
import io
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchsetup import configure

CASES = {
    "checklist DE+FR": "/checklist/?applies_in=de&applies_in=fr&format=pdf",
    "checklist DE": "/checklist/?applies_in=de&format=pdf",
    "checklist, every market": "ALL",
    "profile DE": "/jurisdictions/de/?format=pdf",
}


def every_market_url() -> str:
    from regulations.models import Jurisdiction

    codes = Jurisdiction.objects.filter(rules__state="published").distinct().values_list("code", flat=True)
    return "/checklist/?" + "&".join(f"applies_in={code.lower()}" for code in codes) + "&format=pdf"


def run_case(name: str) -> None:
    """In a child process: one request, then its figures as a table row."""
    from django.test import Client
    from pypdf import PdfReader

    from regulations.exports import pdf

    pdf.MAX_PDF_ROWS = 10**6  # measure what the ceiling refuses, too
    url = every_market_url() if CASES[name] == "ALL" else CASES[name]
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    wall, cpu = time.perf_counter(), time.process_time()
    response = Client().get(url)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline
    if response.status_code != 200:
        raise SystemExit(f"{name}: HTTP {response.status_code}")
    reader = PdfReader(io.BytesIO(response.content))
    counted = re.search(r"^(?:Rows|Rules) (\d+)", reader.pages[0].extract_text(), re.MULTILINE)
    figures = [name, counted[1] if counted else "-", str(len(reader.pages)), f"{wall:.1f}", f"{cpu:.1f}"]
    print("| " + " | ".join([*figures, f"{len(response.content) / 1e6:.2f} MB", f"{peak / 1024:.0f} MB"]) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        configure(args.database_url)
        run_case(args.case)
        return
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        if not args.database_url:
            configure(url)
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
            call_command("load_reference", verbosity=0)
        print("| case | rows (profile: rules) | pages | seconds | CPU seconds | file size | peak memory (RSS growth) |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name in CASES:
            command = [sys.executable, str(Path(__file__)), "--database-url", url, "--case", name]
            subprocess.run(command, check=True)  # noqa: S603 - this script, with our own arguments


if __name__ == "__main__":
    main()
