from django.apps import AppConfig


class RegulationsConfig(AppConfig):
    name = "regulations"
    verbose_name = "Regulations"
    default_auto_field = "django.db.models.BigAutoField"
