"""Migration helpers for PostgreSQL-only pieces (search triggers, trigram indexes).

SQLite runs the same app without them; search.py falls back to a simpler ranking there.
"""

from django.db import migrations


class RunSQLOnPostgres(migrations.RunSQL):
    """RunSQL that is skipped on every database but PostgreSQL."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
