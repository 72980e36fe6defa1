from django.db import models


class ContentVersion(models.Model):
    """One row whose number the database raises on every write to the content tables.

    Database triggers keep it (``regulations/content_version.py``), so every door that
    writes (admin, imports, services, bulk loads, raw SQL) moves it; the public pages'
    cache keys on it (``regulations/page_cache.py``).
    """

    number = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "content version"

    def __str__(self) -> str:
        return f"content version {self.number}"
