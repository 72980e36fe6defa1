"""Each rule records who last checked its facts against the official source."""

from django.db import migrations, models

from regulations.db_views import create_effective_status_views, drop_effective_status_views


class Migration(migrations.Migration):
    dependencies = [
        ("regulations", "0011_requirement_topics_and_supersession"),
    ]

    operations = [
        # SQLite rebuilds the rule table to add a field; the status views read it.
        *drop_effective_status_views(),
        migrations.AddField(
            model_name="historicalrule",
            name="last_reviewed_by",
            field=models.CharField(blank=True, help_text="Who checked them.", max_length=150),
        ),
        migrations.AddField(
            model_name="rule",
            name="last_reviewed_by",
            field=models.CharField(blank=True, help_text="Who checked them.", max_length=150),
        ),
        migrations.AlterField(
            model_name="historicalrule",
            name="last_reviewed_on",
            field=models.DateField(
                blank=True, help_text="When its facts were last checked against the official source.", null=True
            ),
        ),
        migrations.AlterField(
            model_name="rule",
            name="last_reviewed_on",
            field=models.DateField(
                blank=True, help_text="When its facts were last checked against the official source.", null=True
            ),
        ),
        *create_effective_status_views(),
    ]
