"""Public effective statuses come only from requirements of published rules.

A public assessment of a draft's requirement no longer carries over to a published one,
so nothing of an unreviewed rule shows through a firm's readiness.
"""

from django.db import migrations

from regulations.db_views import create_effective_status_views, drop_effective_status_views


class Migration(migrations.Migration):
    dependencies = [("regulations", "0006_requirement_ordering")]

    operations = [*drop_effective_status_views(), *create_effective_status_views()]
