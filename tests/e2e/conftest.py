"""Browser tests: a real server (gunicorn, DEBUG off) on its own database, driven by Chromium.

The server gets a fresh database loaded with the reference content: a temporary
SQLite file, or a PostgreSQL database beside the test one when DATABASE_URL
points to PostgreSQL. Chromium is Debian's (CHROMIUM_PATH, default
/usr/bin/chromium); when it is missing these tests fail rather than skip.
"""

import os
import subprocess
import sys
from pathlib import Path

import dj_database_url
import pytest
import pytest_django.fixtures
from django.conf import settings
from playwright.sync_api import expect, sync_playwright

from tests.content_snapshot import copy_content_to, drop_database
from tests.servers import gunicorn, server_environment, status_of

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
RESULTS = settings.BASE_DIR / "test-results"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
# Every violation the page reports (the securitypolicyviolation event) goes to the console, where the
# page fixture collects it across navigations; Chromium also logs its own "Refused to ..." message.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.effectiveDirective} refused ${event.blockedURI || "inline code"}`
    + ` in ${event.sourceFile || event.documentURI}:${event.lineNumber} ${event.sample}`);
});
"""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def with_default_database(databases_for_setup):
    """Browser tests use no ``django_db`` mark (their server has its own database, and Playwright's
    event loop forbids Django's queries in their thread), so pytest-django, which sets up the test
    databases that collected tests ask for, would set up none for ``pytest tests/e2e`` alone; the
    content would then load into the database DATABASE_URL names. The default one is always set up."""

    def aliases(items):
        found, serialized = databases_for_setup(items)
        return found | {"default"}, serialized

    return aliases


pytest_django.fixtures._get_databases_for_setup = with_default_database(pytest_django.fixtures._get_databases_for_setup)


def pytest_collection_modifyitems(items):
    """Browser tests share one server and one browser: with pytest-xdist (``--dist loadgroup``)
    they all run on the same worker while the others take the rest of the suite."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.xdist_group("browser"))


def server_database_url(tmp_path_factory) -> str:
    """A temporary SQLite file, or a database beside the test one on the PostgreSQL server."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'e2e.sqlite3'}"
    name = f"{dj_database_url.parse(url)['NAME']}_e2e{os.environ.get('PYTEST_XDIST_WORKER', '')}"
    return url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session")
def server_env(tmp_path_factory, django_db_setup):
    """The environment of the e2e server, whose database is a copy of the test database's content
    (dropped at the end of the run on PostgreSQL; a SQLite file goes with the run's temporary folder)."""
    url = server_database_url(tmp_path_factory)
    copy_content_to(tmp_path_factory, url)
    yield server_environment(DATABASE_URL=url)
    if url.startswith(("postgres://", "postgresql://")):
        drop_database(url.rsplit("/", 1)[1])


@pytest.fixture(scope="session")
def live_url(server_env):
    """Base URL of a gunicorn server with the reference content loaded."""
    with gunicorn(server_env) as base:
        if status_of(f"{base}/healthz") != 200:
            raise RuntimeError("the e2e server's database does not answer")
        yield base


@pytest.fixture(scope="session")
def admin_login(server_env) -> tuple[str, str]:
    """Username and password of a superuser on the e2e server."""
    username, password = "e2e-admin", "e2e-admin-password-not-secret"
    manage(
        {**server_env, "DJANGO_SUPERUSER_PASSWORD": password},
        "createsuperuser",
        "--noinput",
        "--username",
        username,
        "--email",
        "e2e@example.org",
    )
    return username, password


def manage(env: dict[str, str], *command: str) -> None:
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *command], env=env, check=True, cwd=settings.BASE_DIR
    )


@pytest.fixture(scope="session")
def browser(django_db_setup):
    """Chromium, started after the test database is set up: Playwright's event loop would forbid that setup."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed_in_call = report.failed


@pytest.fixture
def csp_violations() -> list[str]:
    """Content-Security-Policy violations the browser reported during the test; the page fixture fails on any."""
    return []


@pytest.fixture
def page(browser, request, csp_violations):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    context.on("console", lambda message: csp_violations.append(message.text) if is_csp_report(message.text) else None)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    if getattr(request.node, "failed_in_call", False):
        RESULTS.mkdir(exist_ok=True)
        page.screenshot(path=RESULTS / f"{request.node.name}.png", full_page=True)
    context.close()
    assert csp_violations == [], "the pages broke their Content-Security-Policy"


@pytest.fixture
def admin_page(page, live_url, admin_login):
    """The page, signed in to the admin as the e2e superuser."""
    username, password = admin_login
    page.goto(f"{live_url}/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_contain_text(username)
    return page


def overflow(page) -> int:
    """How many pixels the page is wider than the window (0 or less: nothing is cut off at the right)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def is_csp_report(text: str) -> bool:
    return text.startswith("CSP violation") or "Content Security Policy" in text


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core (vendored from npm) on the current page; return the violations of the given impacts.

    It is evaluated through DevTools, which the page's Content-Security-Policy does not govern;
    a script tag, as add_script_tag makes, would be refused as inline script. Its preloading of the
    page's stylesheets is off: on some pages it copies them into inline <style> elements, which the
    policy refuses (only the css-orientation-lock rule needs them).
    """
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations'], preload: false})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]
