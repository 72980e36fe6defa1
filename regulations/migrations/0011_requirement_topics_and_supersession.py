"""Requirements carry their own topics (else their rule's) and can be superseded by another from a day."""

import django.db.models.deletion
import simple_history.models
from django.db import migrations, models

from regulations.db_views import create_effective_status_views, drop_effective_status_views


class Migration(migrations.Migration):
    dependencies = [
        ("regulations", "0010_coverage_and_legal_events"),
    ]

    operations = [
        # SQLite rebuilds the requirement table to add a field; the status views read it.
        *drop_effective_status_views(),
        migrations.CreateModel(
            name="HistoricalRequirement_topics",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
            ],
            options={
                "verbose_name": "HistoricalRequirement_topics",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name="historicalrequirement",
            name="superseded_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The requirement that replaces this one.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="regulations.requirement",
            ),
        ),
        migrations.AddField(
            model_name="historicalrequirement",
            name="superseded_on",
            field=models.DateField(
                blank=True, help_text="From this day it no longer applies: it leaves checklists.", null=True
            ),
        ),
        migrations.AddField(
            model_name="requirement",
            name="superseded_by",
            field=models.ForeignKey(
                blank=True,
                help_text="The requirement that replaces this one.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="supersedes",
                to="regulations.requirement",
            ),
        ),
        migrations.AddField(
            model_name="requirement",
            name="superseded_on",
            field=models.DateField(
                blank=True, help_text="From this day it no longer applies: it leaves checklists.", null=True
            ),
        ),
        migrations.AddField(
            model_name="requirement",
            name="topics",
            field=models.ManyToManyField(
                blank=True,
                help_text="Only where it is narrower than its rule: left empty, it takes the rule's topics.",
                related_name="requirements",
                to="regulations.topic",
            ),
        ),
        migrations.AddConstraint(
            model_name="requirement",
            constraint=models.CheckConstraint(
                condition=models.Q(("superseded_by__isnull", True), ("superseded_on__isnull", False), _connector="OR"),
                name="requirement_superseded_on_a_day",
                violation_error_message="Say from which day the replacing requirement takes over.",
            ),
        ),
        migrations.AddConstraint(
            model_name="requirement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("superseded_by__isnull", True),
                    models.Q(("superseded_by", models.F("pk")), _negated=True),
                    _connector="OR",
                ),
                name="requirement_not_superseded_by_itself",
                violation_error_message="A requirement cannot replace itself.",
            ),
        ),
        migrations.AddField(
            model_name="historicalrequirement_topics",
            name="history",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                to="regulations.historicalrequirement",
            ),
        ),
        migrations.AddField(
            model_name="historicalrequirement_topics",
            name="requirement",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_tablespace="",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="regulations.requirement",
            ),
        ),
        migrations.AddField(
            model_name="historicalrequirement_topics",
            name="topic",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_tablespace="",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="regulations.topic",
            ),
        ),
        *create_effective_status_views(),
    ]
