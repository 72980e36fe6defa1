from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RegulationsConfig(AppConfig):
    name = "regulations"
    verbose_name = "Regulations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .content_version import install_triggers

        post_migrate.connect(install_triggers, sender=self, dispatch_uid="regulations_content_version")
