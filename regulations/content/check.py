"""Validate the content files without a database.

    python -m regulations.content.check [--fixtures DIR] [--urls-in DIR]

``--urls-in`` also lists every URL in the content that does not appear in the
YAML files of DIR (a checked reference set), to catch a mistyped address.
"""

import argparse
import re
import sys
from pathlib import Path

from .bundle import Content, read_content
from .coverage import covered_markets
from .entries import ContentError

URL = re.compile(r"https?://[^\s\"'<>)\]]+")


def content_urls(content: Content) -> set[str]:
    urls = {source.url for rule in content.rules for source in rule.sources}
    urls |= {record.source_url for record in content.records}
    urls |= {membership.source_url for membership in content.memberships}
    urls |= {milestone.source_url for milestone in content.milestones}
    urls |= {company.website for company in content.companies if company.website}
    return urls


def unknown_urls(content: Content, reference: Path) -> list[str]:
    known = {
        url.rstrip(".,;")
        for path in reference.rglob("*.yaml")
        for url in URL.findall(path.read_text(encoding="utf-8", errors="ignore"))
    }
    return sorted(url for url in content_urls(content) if url.rstrip(".,;") not in known)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", type=Path, default=Path(__file__).resolve().parents[2] / "fixtures")
    parser.add_argument("--urls-in", type=Path, help="reference folder whose YAML must hold every URL")
    args = parser.parse_args(argv)
    try:
        content = read_content(args.fixtures)
    except ContentError as error:
        print(error, file=sys.stderr)
        return 1
    if args.urls_in:
        strays = unknown_urls(content, args.urls_in)
        if strays:
            print("URLs not found in the reference:\n  " + "\n  ".join(strays), file=sys.stderr)
            return 1
    requirements = sum(len(rule.requirements) for rule in content.rules)
    published = sum(rule.state == "published" for rule in content.rules)
    print(
        f"ok: {len(content.rules)} rules ({published} published), {requirements} requirements, "
        f"{len(content.companies)} companies, {len(content.records)} records, {len(content.milestones)} milestones"
    )
    markets = covered_markets(content.coverage, {body.code for body in content.bodies})
    print(f"{len(markets)} markets (countries and territories) covered in all three domains: {', '.join(markets)}")
    print(f"{len(content.rules) - published} rules in review (their internal notes say what is open)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
