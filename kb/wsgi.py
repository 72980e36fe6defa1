"""WSGI entry point (gunicorn kb.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")

application = get_wsgi_application()

# What start-up made (modules, settings, URL patterns, model classes) lives as long as the
# worker: frozen, it is left out of every garbage collection, whose full passes over it
# otherwise stopped a request for 80 ms now and then (bench/README.md: search p95).
gc.freeze()
