"""Imports whose preview passed and that wait for their uploader to confirm them."""

import datetime as dt

from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class PendingImportQuerySet(models.QuerySet):
    def waiting(self, max_age: dt.timedelta):
        """Uploads younger than ``max_age``: older ones are purged with their file and can no longer be confirmed."""
        return self.filter(created_at__gt=timezone.now() - max_age)


class PendingImport(models.Model):
    """Who uploaded which file for which model, and how many rows it holds, until it is confirmed or discarded.

    The file itself stays in the uploads folder (regulations/importing/uploads.py) under ``upload``;
    this row lives exactly as long as that file does.
    """

    upload = models.CharField(max_length=32, unique=True, help_text="The upload's name in the uploads folder.")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    model = models.CharField(max_length=100, help_text="What the file imports, as app_label.model_name.")
    file_name = models.CharField(max_length=255, help_text="The file's name on the uploader's computer.")
    row_count = models.PositiveIntegerField()
    file_format = models.PositiveSmallIntegerField(help_text="Which of the import page's formats the file is in.")
    resource = models.PositiveSmallIntegerField(default=0, help_text="Which of the import page's resources reads it.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = PendingImportQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.model}, {self.row_count} rows)"

    @property
    def model_options(self):
        return apps.get_model(self.model)._meta

    def import_url(self) -> str:
        """The model's import page in the admin, where the file can be uploaded again."""
        return reverse(f"admin:{self.model_options.app_label}_{self.model_options.model_name}_import")
