"""Each rule carries its number of requirements, kept by the database, for the readiness totals."""

from django.db import migrations, models

from regulations.db_counts import create_requirement_count_triggers
from regulations.db_views import create_effective_status_views, drop_effective_status_views


class Migration(migrations.Migration):
    dependencies = [
        ("regulations", "0015_rule_list_covering_index"),
    ]

    operations = [
        # SQLite rebuilds the rule table to add a field; the status views read it.
        *drop_effective_status_views(),
        migrations.AddField(
            model_name="rule",
            name="requirement_count",
            field=models.PositiveIntegerField(
                default=0, editable=False, help_text="How many requirements the rule has; kept by database triggers."
            ),
        ),
        *create_effective_status_views(),
        *create_requirement_count_triggers(),
        migrations.AddIndex(
            model_name="rule",
            index=models.Index(
                fields=["state", "jurisdiction"],
                include=(
                    "id",
                    "binding_by_itself",
                    "instrument",
                    "adopted_on",
                    "applies_from",
                    "applies_until",
                    "requirement_count",
                ),
                name="rule_market_scope",
            ),
        ),
    ]
