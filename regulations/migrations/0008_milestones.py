"""Phase-in milestones, with their history, and the roles' permissions on them (as on requirements)."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

ROLE_PERMISSIONS = {
    "Curator": ["add_milestone", "change_milestone", "view_milestone", "delete_milestone"],
    "Reviewer": ["add_milestone", "change_milestone", "view_milestone", "delete_milestone"],
    "Analyst": ["view_milestone"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("regulations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    permission_model = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS):
        codenames = ROLE_PERMISSIONS[group.name]
        group.permissions.add(
            *permission_model.objects.filter(content_type__app_label="regulations", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    permission_model = apps.get_model("auth", "Permission")
    codenames = {codename for names in ROLE_PERMISSIONS.values() for codename in names}
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(
            *permission_model.objects.filter(content_type__app_label="regulations", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("regulations", "0007_public_statuses_only_from_published_rules"),
        ("regulations", "0005_roles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalMilestone",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                (
                    "key",
                    models.SlugField(help_text="Stable identifier within the rule, e.g. eu-new-types.", max_length=80),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("new_types", "New types"),
                            ("all_new_vehicles", "All new vehicles"),
                            ("older_series_end", "End of acceptance of an older series"),
                            ("reporting", "Reporting starts"),
                            ("other", "Obligations start"),
                        ],
                        max_length=20,
                    ),
                ),
                ("date", models.DateField()),
                (
                    "source_url",
                    models.URLField(
                        help_text="Where the date is stated: a source of the rule, or its own.", max_length=1000
                    ),
                ),
                ("note", models.TextField(blank=True, help_text="Public: what the date covers, in our own words.")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "jurisdiction",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="Only when the date holds in one market, set by its law (EU for the EU's dates for UN R155).",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="regulations.jurisdiction",
                        verbose_name="market",
                    ),
                ),
                (
                    "requirement",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="Only when the date concerns one requirement of the rule rather than all of it.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="regulations.requirement",
                    ),
                ),
                (
                    "rule",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="regulations.rule",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical milestone",
                "verbose_name_plural": "historical milestones",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Milestone",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "key",
                    models.SlugField(help_text="Stable identifier within the rule, e.g. eu-new-types.", max_length=80),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("new_types", "New types"),
                            ("all_new_vehicles", "All new vehicles"),
                            ("older_series_end", "End of acceptance of an older series"),
                            ("reporting", "Reporting starts"),
                            ("other", "Obligations start"),
                        ],
                        max_length=20,
                    ),
                ),
                ("date", models.DateField()),
                (
                    "source_url",
                    models.URLField(
                        help_text="Where the date is stated: a source of the rule, or its own.", max_length=1000
                    ),
                ),
                ("note", models.TextField(blank=True, help_text="Public: what the date covers, in our own words.")),
                (
                    "jurisdiction",
                    models.ForeignKey(
                        blank=True,
                        help_text="Only when the date holds in one market, set by its law (EU for the EU's dates for UN R155).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="milestones",
                        to="regulations.jurisdiction",
                        verbose_name="market",
                    ),
                ),
                (
                    "requirement",
                    models.ForeignKey(
                        blank=True,
                        help_text="Only when the date concerns one requirement of the rule rather than all of it.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="milestones",
                        to="regulations.requirement",
                    ),
                ),
                (
                    "rule",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="milestones", to="regulations.rule"
                    ),
                ),
            ],
            options={
                "ordering": ["date", "pk"],
                "indexes": [models.Index(fields=["date"], name="milestone_date")],
                "constraints": [models.UniqueConstraint(fields=("rule", "key"), name="milestone_key_unique_per_rule")],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
