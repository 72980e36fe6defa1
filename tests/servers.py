"""Start the project's real server (gunicorn, as deployed) on a free loopback port for a test."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

# The settings the test session gives itself; a server gets only what it is told.
PYTEST_ENV = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "FAST_PASSWORD_HASHER",
    "PAGE_CACHE",
    "CONTENT_MEMO",
    "API_ANON_RATE",
}
SERVER_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "test-server-only-not-secret",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "CONN_MAX_AGE": "0",
    "PAGE_CACHE": "1",  # as in production: the browser tests see what readers see
    "CONTENT_MEMO": "1",
    "API_ANON_RATE": "100000/min",  # schemathesis sends hundreds of requests a second
}
STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """An aiosmtpd handler keeping the raw messages a test's SMTP server receives."""

    def __init__(self):
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


def server_environment(**env: str) -> dict[str, str]:
    base = {key: value for key, value in os.environ.items() if key not in PYTEST_ENV}
    return {**base, **SERVER_ENV, **env}


def status_of(url: str, timeout: float = 5) -> int:
    """The HTTP status of a GET, whatever it is; OSError while nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def serves_static(base: str) -> bool:
    try:
        return status_of(f"{base}/static/css/kb.css", timeout=1) == 200
    except OSError:
        return False


@contextmanager
def gunicorn(env: dict[str, str], workers: int = 2, log: Path | None = None) -> Iterator[str]:
    """Serve kb.wsgi with this environment; yield its base URL once it serves a static file.

    Static files need no database, so this works for a server whose database is down.
    With ``log``, the server's output (its log) goes to that file.
    """
    port = free_port()
    output = log.open("w") if log else None
    binary = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    server = subprocess.Popen(  # noqa: S603 - our own server on loopback
        [binary, "kb.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=output,
        stderr=output,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not serves_static(base):
            if server.poll() is not None:
                raise RuntimeError(f"the test server exited with status {server.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the test server did not start within {STARTUP_SECONDS} s")
            time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if output:
            output.close()
