"""Django for a benchmark script: production settings (DEBUG off) on the database it is given."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The page cache is off: benchmarks time the making of a page, not a cache lookup.
SETTINGS = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-only",
    "ALLOWED_HOSTS": "testserver",
    "SECURE_SSL_REDIRECT": "0",
    "PAGE_CACHE": "0",
}


def configure(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(DATABASE_URL=database_url, **SETTINGS)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
    import django

    django.setup()
