"""The in-process pass of bench/scale.py: each page through django.test.Client, with the time spent in SQL."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from benchsetup import configure


@dataclass
class SqlTiming:
    label: str
    path: str
    page: float  # median seconds of the whole request, body consumed
    sql: float  # median seconds spent executing queries
    queries: int
    runs: int
    status: int


def measure(database_url: str, pages: list[tuple[str, str]], runs: int, slow_runs: int, slow_seconds: float):
    """Request each page ``runs`` times (``slow_runs`` for a page slower than ``slow_seconds``), timing its queries.

    ``connection.execute_wrapper`` sees every statement with DEBUG off; rows fetched later from a
    server-side cursor (``iterator()``) are not in the SQL time.
    """
    configure(database_url)
    from django.db import connection
    from django.test import Client

    client = Client()
    client.get("/healthz")  # connect before the first measured request
    results = []
    for label, path in pages:
        page_times, sql_times, queries, status = [], [], 0, 0
        while len(page_times) < (slow_runs if page_times and page_times[0] > slow_seconds else runs):
            spent = {"seconds": 0.0, "queries": 0}

            def timed(execute, sql, params, many, context, spent=spent):
                started = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    spent["seconds"] += time.perf_counter() - started
                    spent["queries"] += 1

            with connection.execute_wrapper(timed):
                started = time.perf_counter()
                response = client.get(path)
                if response.streaming:
                    b"".join(response.streaming_content)
                else:
                    response.content  # noqa: B018 - rendered already; read as a client would
                page_times.append(time.perf_counter() - started)
            sql_times.append(spent["seconds"])
            queries, status = spent["queries"], response.status_code
        results.append(
            SqlTiming(
                label,
                path,
                statistics.median(page_times),
                statistics.median(sql_times),
                queries,
                len(page_times),
                status,
            )
        )
        print(f"  {label}: {results[-1].page:.3f} s, SQL {results[-1].sql:.3f} s", flush=True)
    return results
