"""When the database stops answering, pages say so at once: 503 with a plain message, not a 30 s hang and a bare 500.

A real gunicorn server is pointed at a PostgreSQL port where nothing listens, and at one
that accepts connections but never answers (a hung or unreachable database host).
"""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import connection

from tests.servers import free_port, gunicorn, server_environment

CONNECT_TIMEOUT = 2  # seconds; the server under test is told to give up connecting after this
PROMPT = 5  # seconds; an answer within this is "at once" (a worker is killed after 30 s)


@dataclass
class Answer:
    status: int
    headers: dict
    body: str
    seconds: float


def fetch(url: str, accept: str = "text/html,*/*;q=0.8") -> Answer:
    request = urllib.request.Request(url, headers={"Accept": accept})  # noqa: S310 - loopback
    start = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, error.headers, error.read()
    return Answer(status, dict(headers), body.decode(), time.monotonic() - start)


@pytest.fixture(scope="module")
def server_log(tmp_path_factory):
    return tmp_path_factory.mktemp("database-down") / "server.log"


@pytest.fixture(scope="module")
def closed_port_server(server_log):
    """A server whose DATABASE_URL points to a loopback port where nothing listens."""
    env = server_environment(DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/kb_down")
    with gunicorn(env, log=server_log) as base:
        yield base


@pytest.fixture(scope="module")
def silent_database():
    """A port that accepts connections and never says a word, as a hung database host does."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield listener.getsockname()[1]


@pytest.fixture(scope="module")
def hung_database_server(silent_database):
    env = server_environment(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{silent_database}/kb_down",
        DATABASE_CONNECT_TIMEOUT=str(CONNECT_TIMEOUT),
    )
    with gunicorn(env) as base:
        yield base


def assert_unavailable(answer: Answer, content_type: str):
    assert answer.status == 503, answer.body[:500]
    assert answer.headers["Content-Type"].startswith(content_type)
    assert int(answer.headers["Retry-After"]) > 0
    assert "no-store" in answer.headers["Cache-Control"]


def test_a_page_answers_503_with_a_plain_message_when_the_database_port_is_closed(closed_port_server):
    answer = fetch(f"{closed_port_server}/rules/?applies_in=de")
    assert answer.seconds < PROMPT
    assert_unavailable(answer, "text/html")
    assert "cannot reach its database" in answer.body
    assert "Traceback" not in answer.body


def test_the_health_probe_reports_the_database_when_the_port_is_closed(closed_port_server):
    answer = fetch(f"{closed_port_server}/healthz", accept="application/json")
    assert answer.seconds < PROMPT
    assert answer.status == 503
    assert json.loads(answer.body) == {"status": "unavailable", "database": "unreachable"}


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/checklist/?applies_in=de&format=json", "application/json"),
        ("/checklist/?applies_in=de&format=csv", "text/plain"),
        ("/changes/feed/", "text/plain"),
        ("/deadlines.ics", "text/plain"),
        ("/sitemap.xml", "text/plain"),
        ("/sitemap-rules.xml", "text/plain"),
    ],
)
def test_data_doors_answer_503_in_their_own_terms(closed_port_server, path, content_type):
    answer = fetch(f"{closed_port_server}{path}", accept="*/*")
    assert answer.seconds < PROMPT
    assert_unavailable(answer, content_type)
    if content_type == "application/json":
        assert json.loads(answer.body)["status"] == "unavailable"
    assert "cannot reach its database" in answer.body


def test_a_json_client_gets_json(closed_port_server):
    answer = fetch(f"{closed_port_server}/rules/", accept="application/json")
    assert_unavailable(answer, "application/json")


def test_the_outage_is_logged(closed_port_server, server_log):
    fetch(f"{closed_port_server}/jurisdictions/de/")
    time.sleep(0.2)  # the worker writes its log line after answering
    log = server_log.read_text()
    assert "Database unavailable: GET /jurisdictions/de/" in log
    assert "Connection refused" in log


def test_pages_answer_503_within_the_connect_timeout_when_the_database_hangs(hung_database_server):
    for path in ("/rules/", "/healthz"):
        answer = fetch(f"{hung_database_server}{path}")
        assert answer.status == 503, answer.body[:500]
        assert CONNECT_TIMEOUT - 0.5 < answer.seconds < CONNECT_TIMEOUT + PROMPT


# The bounds themselves: every wait on the database ends, and a bad value stops the start.

WAIT_SCRIPT = """
import sys, time, django
django.setup()
from django.db import OperationalError, connection
start = time.monotonic()
try:
    with connection.cursor() as cursor:
        cursor.execute(sys.argv[1])
except OperationalError as error:
    print(f"{time.monotonic() - start:.2f} {error}")
else:
    print("no error")
"""


def run_django(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own code with fixed arguments
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=server_environment(DJANGO_SETTINGS_MODULE="kb.settings", **env),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def database_options(**env: str) -> dict:
    script = "import django, json; django.setup(); from django.conf import settings as s; "
    script += "print(json.dumps(s.DATABASES['default']['OPTIONS']))"
    result = run_django("-c", script, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_postgresql_connections_carry_a_connect_and_a_statement_timeout_and_no_jit():
    assert database_options(DATABASE_URL="postgres://kb@db.example.org/kb") == {
        "connect_timeout": 5,
        "options": "-c statement_timeout=20000 -c jit=off",
    }
    assert database_options(
        DATABASE_URL="postgres://kb@db.example.org/kb?options=-c%20search_path%3Dkb",
        DATABASE_CONNECT_TIMEOUT="3",
        DATABASE_STATEMENT_TIMEOUT="0",
    ) == {"connect_timeout": 3, "options": "-c statement_timeout=0 -c jit=off -c search_path=kb"}


if connection.vendor == "postgresql":  # JIT is a PostgreSQL setting; SQLite has none

    @pytest.mark.django_db
    def test_the_postgresql_session_compiles_nothing_just_in_time():
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone() == ("off",)


def test_sqlite_waits_for_a_locked_file_as_long_as_the_connect_timeout(tmp_path):
    assert database_options(DATABASE_URL=f"sqlite:///{tmp_path / 'kb.sqlite3'}") == {"timeout": 5}


def test_a_timeout_that_is_not_a_number_stops_the_start():
    result = run_django("manage.py", "check", DATABASE_STATEMENT_TIMEOUT="soon")
    assert result.returncode != 0
    assert "DATABASE_STATEMENT_TIMEOUT must be a whole number of seconds, not 'soon'" in result.stderr


def slow_statement(tmp_path, locks):
    """A statement that would run for long on the suite's database engine, and the bound that ends it."""
    if connection.vendor == "postgresql":
        server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        env = {"DATABASE_URL": f"{server}/postgres", "DATABASE_STATEMENT_TIMEOUT": "1"}
        return "SELECT pg_sleep(10)", env, "canceling statement due to statement timeout"
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path)
    locks.append(holder)
    holder.execute("BEGIN EXCLUSIVE")  # another process is writing, for longer than anyone should wait
    env = {"DATABASE_URL": f"sqlite:///{path}", "DATABASE_CONNECT_TIMEOUT": "1"}
    return "CREATE TABLE waited (id integer)", env, "database is locked"


def test_a_statement_that_would_run_for_long_fails_after_the_timeout(tmp_path):
    """PostgreSQL cancels it after DATABASE_STATEMENT_TIMEOUT; SQLite stops waiting for a lock after its timeout."""
    locks = []
    try:
        statement, env, message = slow_statement(tmp_path, locks)
        result = run_django("-c", WAIT_SCRIPT, statement, **env)
    finally:
        for lock in locks:
            lock.close()
    assert result.returncode == 0, result.stderr
    seconds, _, error = result.stdout.strip().partition(" ")
    assert message in error
    assert 0.9 < float(seconds) < 3
