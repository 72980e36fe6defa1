"""Anonymous clients get ``API_ANON_RATE`` requests per address, read from the settings at each request."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousClients(AnonRateThrottle):
    def get_rate(self) -> str:
        return settings.API_ANON_RATE
