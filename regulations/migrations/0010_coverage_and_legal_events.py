"""Coverage (what was researched where), and the change log as corrections to our content.

The content loader used to record a "New rule" change event for every rule it loaded
(dated the day of the load): loading is not news, so those rows (kind "published", by
nobody) are removed; the legal events the change log shows are read from the rules.
"""

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# Coverage is content like jurisdictions: curators and reviewers keep it, analysts read it.
ROLES = {
    "Curator": ["add_coverage", "change_coverage", "view_coverage"],
    "Reviewer": ["add_coverage", "change_coverage", "view_coverage", "delete_coverage"],
    "Analyst": ["view_coverage"],
}


def remove_load_day_events(apps, schema_editor):
    apps.get_model("regulations", "ChangeEvent").objects.filter(kind="published", by__isnull=True).delete()


def grant_roles(apps, schema_editor):
    app_config = apps.get_app_config("regulations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group = group_model.objects.filter(name=name).first()
        if group:
            group.permissions.add(
                *permission_model.objects.filter(content_type__app_label="regulations", codename__in=codenames)
            )


class Migration(migrations.Migration):

    dependencies = [
        ('regulations', '0009_force_treaties_and_regulation_applications'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.CreateModel(
            name='Coverage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('domain', models.CharField(choices=[('data-security', 'Data security'), ('road-safety', 'Road safety'), ('cross-border-data-transfer', 'Cross-border data transfer')], max_length=40)),
                ('researched_on', models.DateField(help_text="The day the research was current (the reference's review date).")),
                ('note', models.TextField(blank=True, help_text='Public. What was looked at; say so here when the research found no rule in this domain.')),
                ('jurisdiction', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='researched_domains', to='regulations.jurisdiction')),
            ],
            options={
                'verbose_name_plural': 'coverage',
                'ordering': ['jurisdiction__code', 'domain'],
                'constraints': [models.UniqueConstraint(fields=('jurisdiction', 'domain'), name='coverage_unique_per_domain'), models.CheckConstraint(condition=models.Q(('domain__in', ['data-security', 'road-safety', 'cross-border-data-transfer'])), name='coverage_domain_known')],
            },
        ),
        migrations.RunPython(grant_roles, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='changeevent',
            name='kind',
            field=models.CharField(choices=[('published', 'Rule added to our content'), ('dates_amended', 'Dates corrected'), ('requirement_added', 'Requirement added'), ('repealed', 'Repeal recorded'), ('revised', 'Revised after review')], max_length=20),
        ),
        migrations.RunPython(remove_load_day_events, migrations.RunPython.noop),
    ]
