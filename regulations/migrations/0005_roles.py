"""Create the curation roles as groups: Curator, Reviewer, Analyst."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT = [
    "rule",
    "requirement",
    "source",
    "rulerelation",
    "requirementmapping",
    "authority",
    "topic",
    "jurisdiction",
    "membership",
    "company",
    "market",
    "publicrecord",
]
EDIT = ["add", "change", "view"]
ROLES = {
    # Curators edit content and send it for review; they cannot publish or delete rules.
    "Curator": [f"{action}_{model}" for model in CONTENT for action in EDIT]
    + [f"delete_{model}" for model in ("requirement", "source", "rulerelation", "requirementmapping")]
    + ["view_assessment"],
    # Reviewers do all that, publish, and may delete.
    "Reviewer": [f"{action}_{model}" for model in CONTENT for action in [*EDIT, "delete"]]
    + ["publish_rule", "view_assessment"],
    # Analysts record firms' readiness; they read the rules.
    "Analyst": [f"{action}_assessment" for action in [*EDIT, "delete"]]
    + [f"view_{model}" for model in CONTENT],
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = group_model.objects.get_or_create(name=name)
        permissions = permission_model.objects.filter(content_type__app_label="regulations", codename__in=codenames)
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"permissions missing for {name}: {sorted(missing)}")
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("regulations", "0004_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
