from django.db import migrations

from regulations.pg import RunSQLOnPostgres


class Migration(migrations.Migration):
    """A trigram index on the title in the original language, so that every branch of a search is indexed.

    Without it, one unindexed ILIKE in the search's OR made PostgreSQL scan every rule.
    """

    dependencies = [("regulations", "0013_pending_import")]

    operations = [
        RunSQLOnPostgres(
            "CREATE INDEX regulations_rule_original_title_trgm ON regulations_rule USING gin (original_title gin_trgm_ops);",
            "DROP INDEX IF EXISTS regulations_rule_original_title_trgm;",
        )
    ]
