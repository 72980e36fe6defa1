"""Servers and clients of bench/scale.py: gunicorn and Datasette on free ports, interleaved timing, a load test."""

from __future__ import annotations

import contextlib
import itertools
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from scale_build import ROOT, django_env

TIMEOUT = 120  # seconds: the slowest page of the current main takes about 9 s alone


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    base: str
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(name: str, command: list[str], env: dict, port: int, logs: Path, ready_path: str) -> Server:
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{name}.log"
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 - our own servers
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    server = Server(name, process, f"http://127.0.0.1:{port}", log)
    try:
        wait_for(server, ready_path)
    except BaseException:  # Ctrl-C or SIGTERM while it starts too: no server is left behind
        server.stop()
        raise
    print(f"  {name} answers on {server.base} (log {log})", flush=True)
    return server


def wait_for(server: Server, ready_path: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} stopped at start (exit {server.process.returncode}); see {server.log}")
        with contextlib.suppress(OSError):
            if fetch(server.base + ready_path, timeout=5)[0] == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"{server.name} did not answer within 120 s; see {server.log}")


def start_product(name: str, database_url: str, logs: Path, workers: int, page_cache: bool = False) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "kb.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    if int(version("gunicorn").split(".")[0]) >= 27:
        command.append("--no-control-socket")  # not the one socket per user that another gunicorn may hold
    env = django_env(database_url, PAGE_CACHE="1" if page_cache else "0")
    return start(name, command, env, port, logs, "/healthz")


def start_datasette(path: Path, logs: Path) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "datasette", "serve", "-i", str(path), "--host", "127.0.0.1", "--port", str(port)]
    return start("datasette", command, dict(os.environ), port, logs, "/-/versions.json")


def fetch(url: str, timeout: float = TIMEOUT) -> tuple[int, int, float]:
    """(status, body bytes, seconds) of one GET, the whole body read; status 0 for a failure without an answer."""
    started = time.perf_counter()
    request = urllib.request.Request(url, headers={"User-Agent": "kb-bench/scale"})  # noqa: S310 - our own servers
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            size = len(response.read())
            status = response.status
    except urllib.error.HTTPError as error:
        size, status = len(error.read()), error.code
    except (OSError, TimeoutError):
        size, status = 0, 0
    return status, size, time.perf_counter() - started


@dataclass
class Target:
    """One page of one server: its samples and what it answered."""

    server: str
    label: str
    url: str
    times: list[float] = field(default_factory=list)
    sizes: set[int] = field(default_factory=set)
    statuses: set[int] = field(default_factory=set)

    def p(self, q: int) -> float:
        if len(self.times) == 1:
            return self.times[0]
        return statistics.quantiles(self.times, n=100, method="inclusive")[q - 1]

    @property
    def ok(self) -> bool:
        return self.statuses == {200}


def time_interleaved(
    targets: list[Target], rounds: int, slow_rounds: int, slow_seconds: float, warm_up: int = 0
) -> None:
    """Round-robin over every page of every server, one request at a time, ``rounds`` times.

    ``warm_up`` rounds come first and are not counted: each worker of a server loads its
    templates and works out its kept answers (``content_memo``) on its first requests, as
    a server does once after it starts or the content changes, not on every request.
    A page whose first request took longer than ``slow_seconds`` stops after ``slow_rounds``
    (the current main has pages of several seconds), so that a full run stays practical.
    """
    for number in range(warm_up):
        started = time.perf_counter()
        for target in targets:
            fetch(target.url)
        print(f"  warm-up round {number + 1}/{warm_up}: {time.perf_counter() - started:.1f} s", flush=True)
    for number in range(rounds):
        started = time.perf_counter()
        for target in targets:
            if target.times and target.times[0] > slow_seconds and len(target.times) >= slow_rounds:
                continue
            status, size, seconds = fetch(target.url)
            target.times.append(seconds)
            target.sizes.add(size)
            target.statuses.add(status)
            if status != 200 and len(target.statuses) == 1 and number == 0:
                print(f"  !! {target.server} {target.url} answered {status or 'nothing'}", flush=True)
        print(f"  round {number + 1}/{rounds}: {time.perf_counter() - started:.1f} s", flush=True)


@dataclass
class Load:
    seconds: float = 0.0
    times: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def p(self, q: int) -> float:
        return statistics.quantiles(self.times, n=100, method="inclusive")[q - 1] if len(self.times) > 1 else 0.0


def load_test(urls: list[str], connections: int, seconds: float) -> Load:
    """``connections`` threads, each requesting the pages in turn (from a random start) until ``seconds`` are up.

    Requests already sent when the time is up are waited for and counted.
    """
    result = Load()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        for url in itertools.islice(itertools.cycle(urls), offset, None):
            if time.monotonic() >= deadline:
                return
            status, _, elapsed = fetch(url)
            with lock:
                result.times.append(elapsed)
                if status != 200:
                    key = f"{status or 'no answer'} {url.split('/', 3)[-1]}"
                    result.errors[key] = result.errors.get(key, 0) + 1

    threads = [threading.Thread(target=client, args=(random.randrange(len(urls)),)) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result
