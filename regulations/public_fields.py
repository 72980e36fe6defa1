"""The columns of rules and requirements that any reader may see: one list for every door that reads them
whole (the JSON API, the open-data files). Internal notes, curation state, revisions and reviewers are not in
it, so a new internal field stays internal until someone adds it here."""

RULE = (
    "slug",
    "title",
    "original_title",
    "short_name",
    "citation",
    "instrument",
    "binding_by_itself",
    "treaty_instrument",
    "level_min",
    "level_max",
    "vehicle_categories",
    "adopted_on",
    "applies_from",
    "applies_until",
    "summary",
    "last_reviewed_on",
)
REQUIREMENT = ("key", "reference", "reference_checked", "kind", "obligation", "evidence", "deadline", "superseded_on")
