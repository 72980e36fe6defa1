"""Database triggers that keep ``Rule.requirement_count`` equal to the number of the rule's requirements.

Readiness totals sum this column over the rules that bind in a market instead of
counting 500,000 requirements on every page. The database owns the count, so every
door that writes requirements (services, admin inlines, imports, fixtures, bulk
loads) keeps it right, and a rule saved from a stale instance cannot overwrite it:
writing a rule row recomputes its count.

Like the views in ``db_views``, the SQLite triggers go with their table: a later
migration that rebuilds ``regulations_rule`` or ``regulations_requirement`` on SQLite
(adding a field does) drops them, and must call ``create_requirement_count_triggers()``
again afterwards. ``tests/test_readiness_scale.py`` checks the count after each kind of write.
"""

from django.db import migrations

from .pg import RunSQLOnPostgres

COUNT = "(SELECT COUNT(*) FROM regulations_requirement WHERE rule_id = {rule})"

POSTGRES = """
CREATE OR REPLACE FUNCTION regulations_rule_count_requirements() RETURNS trigger AS $$
BEGIN
  NEW.requirement_count := (SELECT COUNT(*) FROM regulations_requirement WHERE rule_id = NEW.id);
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER regulations_rule_requirement_count BEFORE INSERT OR UPDATE ON regulations_rule
  FOR EACH ROW EXECUTE FUNCTION regulations_rule_count_requirements();

CREATE OR REPLACE FUNCTION regulations_requirement_recount_rules() RETURNS trigger AS $$
BEGIN
  -- Touching the row is enough: the rule's own trigger recomputes the count.
  IF TG_OP = 'INSERT' THEN
    UPDATE regulations_rule SET requirement_count = 0 WHERE id IN (SELECT rule_id FROM counted_new);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE regulations_rule SET requirement_count = 0 WHERE id IN (SELECT rule_id FROM counted_old);
  ELSE
    UPDATE regulations_rule SET requirement_count = 0
     WHERE id IN (SELECT rule_id FROM counted_new UNION SELECT rule_id FROM counted_old);
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER regulations_requirement_counted_insert AFTER INSERT ON regulations_requirement
  REFERENCING NEW TABLE AS counted_new
  FOR EACH STATEMENT EXECUTE FUNCTION regulations_requirement_recount_rules();
CREATE TRIGGER regulations_requirement_counted_update AFTER UPDATE ON regulations_requirement
  REFERENCING NEW TABLE AS counted_new OLD TABLE AS counted_old
  FOR EACH STATEMENT EXECUTE FUNCTION regulations_requirement_recount_rules();
CREATE TRIGGER regulations_requirement_counted_delete AFTER DELETE ON regulations_requirement
  REFERENCING OLD TABLE AS counted_old
  FOR EACH STATEMENT EXECUTE FUNCTION regulations_requirement_recount_rules();
"""

DROP_POSTGRES = """
DROP TRIGGER IF EXISTS regulations_requirement_counted_insert ON regulations_requirement;
DROP TRIGGER IF EXISTS regulations_requirement_counted_update ON regulations_requirement;
DROP TRIGGER IF EXISTS regulations_requirement_counted_delete ON regulations_requirement;
DROP FUNCTION IF EXISTS regulations_requirement_recount_rules();
DROP TRIGGER IF EXISTS regulations_rule_requirement_count ON regulations_rule;
DROP FUNCTION IF EXISTS regulations_rule_count_requirements();
"""

# SQLite has row triggers only; with recursive triggers off (its default) a trigger's own
# UPDATE does not fire it again.
RECOUNT = "UPDATE regulations_rule SET requirement_count = {count} WHERE id = {rule};"
SQLITE_TRIGGERS = {
    "regulations_requirement_counted_insert": (
        "AFTER INSERT ON regulations_requirement",
        RECOUNT.format(count=COUNT.format(rule="NEW.rule_id"), rule="NEW.rule_id"),
    ),
    "regulations_requirement_counted_delete": (
        "AFTER DELETE ON regulations_requirement",
        RECOUNT.format(count=COUNT.format(rule="OLD.rule_id"), rule="OLD.rule_id"),
    ),
    "regulations_requirement_counted_update": (
        "AFTER UPDATE OF rule_id ON regulations_requirement",
        RECOUNT.format(count=COUNT.format(rule="OLD.rule_id"), rule="OLD.rule_id")
        + RECOUNT.format(count=COUNT.format(rule="NEW.rule_id"), rule="NEW.rule_id"),
    ),
    "regulations_rule_counted_insert": (
        f"AFTER INSERT ON regulations_rule WHEN NEW.requirement_count IS NOT {COUNT.format(rule='NEW.id')}",
        RECOUNT.format(count=COUNT.format(rule="NEW.id"), rule="NEW.id"),
    ),
    "regulations_rule_counted_update": (
        f"AFTER UPDATE ON regulations_rule WHEN NEW.requirement_count IS NOT {COUNT.format(rule='NEW.id')}",
        RECOUNT.format(count=COUNT.format(rule="NEW.id"), rule="NEW.id"),
    ),
}


class RunSQLOnSQLite(migrations.RunSQL):
    """RunSQL that is skipped on every database but SQLite."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "sqlite":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "sqlite":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def create_requirement_count_triggers() -> list[migrations.RunSQL]:
    """The triggers on both databases, and every rule's count recomputed once."""
    sqlite = [
        RunSQLOnSQLite(f"CREATE TRIGGER {name} {event} BEGIN {body} END", f"DROP TRIGGER IF EXISTS {name}")
        for name, (event, body) in SQLITE_TRIGGERS.items()
    ]
    recount = RECOUNT.format(count=COUNT.format(rule="regulations_rule.id"), rule="regulations_rule.id")
    return [RunSQLOnPostgres(POSTGRES, DROP_POSTGRES), *sqlite, migrations.RunSQL(recount, migrations.RunSQL.noop)]
