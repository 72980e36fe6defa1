"""Curator admin for jurisdictions, memberships, coverage, UN Regulations applied by treaty parties, authorities
and topics."""

from django.contrib import admin

from regulations.models import Authority, Coverage, Jurisdiction, Membership, RegulationApplication, Topic

from .filters import ValuesFilter
from .inlines import LabelledTabularInline
from .widgets import HttpsUrlMixin, PrefetchedAutocompleteInlineMixin


class MembershipInline(HttpsUrlMixin, PrefetchedAutocompleteInlineMixin, LabelledTabularInline):
    model = Membership
    fk_name = "member"
    extra = 0
    fields = ["body", "role", "since", "until", "source_url", "note"]
    autocomplete_fields = ["body"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member", "body")


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "original_name", "kind", "parent", "region"]
    list_filter = ["kind", ("region", ValuesFilter)]
    search_fields = ["code", "name", "original_name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]
    list_per_page = 100


@admin.register(Membership)
class MembershipAdmin(HttpsUrlMixin, admin.ModelAdmin):
    list_display = ["member", "body", "role", "since", "until"]
    list_filter = ["role", ("body", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["member__code", "member__name", "body__code", "body__name"]
    list_select_related = ["member", "body"]
    autocomplete_fields = ["member", "body"]


@admin.register(RegulationApplication)
class RegulationApplicationAdmin(HttpsUrlMixin, admin.ModelAdmin):
    """Which party to the 1958 Agreement applies which UN Regulation: only these are shown as recognised."""

    list_display = ["regulation", "party", "since", "until"]
    list_filter = [("regulation", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["party__code", "party__name", "regulation__short_name", "regulation__slug"]
    list_select_related = ["party", "regulation"]
    autocomplete_fields = ["party", "regulation"]
    fields = ["regulation", "party", "since", "until", "source_url", "note"]


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "abbreviation", "jurisdiction"]
    list_filter = [("jurisdiction", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "abbreviation", "slug"]
    list_select_related = ["jurisdiction"]
    autocomplete_fields = ["jurisdiction"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "order"]
    list_filter = ["parent"]
    search_fields = ["name", "slug", "description"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Coverage)
class CoverageAdmin(admin.ModelAdmin):
    """What was researched where: pages say "not covered yet" for a domain without a row here."""

    list_display = ["jurisdiction", "domain", "researched_on", "note"]
    list_filter = ["domain", "researched_on"]
    search_fields = ["jurisdiction__code", "jurisdiction__name", "note"]
    list_select_related = ["jurisdiction"]
    autocomplete_fields = ["jurisdiction"]
