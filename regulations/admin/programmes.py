"""A firm's vehicle programmes and its members: each user sees only the firms they belong to."""

from django.contrib import admin

from regulations.models import FirmMembership, Programme, ProgrammeMarket
from regulations.models.programmes import firms_of

from .history import HistoryAdmin
from .inlines import LabelledTabularInline
from .locking import RevisionForm
from .widgets import PrefetchedAutocompleteInlineMixin


class ProgrammeMarketInline(PrefetchedAutocompleteInlineMixin, LabelledTabularInline):
    model = ProgrammeMarket
    extra = 0
    fields = ["jurisdiction", "type_approval_on", "first_registration_on"]
    autocomplete_fields = ["jurisdiction"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("programme", "jurisdiction")


class ProgrammeForm(RevisionForm):
    class Meta:
        model = Programme
        exclude = ["revision"]


@admin.register(Programme)
class ProgrammeAdmin(HistoryAdmin):
    form = ProgrammeForm
    list_display = ["name", "company", "vehicle_category", "sae_level", "updated_at"]
    list_filter = ["vehicle_category", "sae_level"]
    search_fields = ["name", "slug", "company__name"]
    list_select_related = ["company"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ProgrammeMarketInline]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "company":
            kwargs["queryset"] = firms_of(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(FirmMembership)
class FirmMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "company", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "company__name"]
    list_select_related = ["user", "company"]
    autocomplete_fields = ["company"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(company__in=firms_of(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "company":
            kwargs["queryset"] = firms_of(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
