"""Write the reference content into the database.

By default only what is missing is created, so a curator's edits survive
``make run``; ``sync=True`` also brings existing records back to the fixtures.
Either way the whole load is one transaction: a problem anywhere changes nothing.
Loading is not news: it records no change event (the change log shows legal events
computed from the rules' dates, and corrections reviewers make).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from regulations import models as m
from regulations.importing.constraints import check_constraint_errors

from . import companies as company_content
from . import milestones as milestone_content
from . import readiness as readiness_content
from . import rules as rule_content
from .bundle import Content, read_content
from .countries import countries, subdivision_country
from .entries import ContentError
from .samples import sample_assessments
from .treaties import Application

CHANGE_REASON = "Loaded from the reference content"


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        names = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        return [
            f"{name}: {self.created[name]} created, {self.updated[name]} updated, {self.unchanged[name]} unchanged"
            for name in names
        ]

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


class RowIndex:
    """A model's rows keyed by the fields the loader looks them up by, read in one query.

    Looking each fixture record up in turn cost a query per record, some 6,000 per load and
    most of a reload's time. The first row in the model's order wins, as ``.first()`` did.
    """

    def __init__(self, model: type[models.Model], names: list[str]):
        self.attnames = [model._meta.get_field(name).attname for name in names]
        self.names = names
        rows = model._default_manager.all()
        self.rows: dict[tuple, models.Model] = {}
        for row in rows if rows.ordered else rows.order_by("pk"):
            self.rows.setdefault(self.key_of(row), row)

    def key_of(self, row: models.Model) -> tuple:
        return tuple(getattr(row, attname) for attname in self.attnames)

    def find(self, lookup: dict) -> models.Model | None:
        if list(lookup) != self.names:
            raise ValueError(f"looked up by {list(lookup)}, indexed by {self.names}")
        return self.rows.get(tuple(value.pk if isinstance(value, models.Model) else value for value in lookup.values()))

    def add(self, row: models.Model) -> None:
        self.rows.setdefault(self.key_of(row), row)


class Loader:
    def __init__(self, content: Content, *, sync: bool):
        self.content, self.sync = content, sync
        self.report = LoadReport()
        self.problems: list[str] = []
        self.jurisdictions: dict[str, m.Jurisdiction] = {}
        self.topics: dict[str, m.Topic] = {}
        self.authorities: dict[str, m.Authority] = {}
        self.rules: dict[str, m.Rule] = {}
        self.companies: dict[str, m.Company] = {}
        self.indexes: dict[type[models.Model], RowIndex] = {}

    def upsert(self, model: type[models.Model], lookup: dict, values: dict) -> models.Model:
        """Create the object if missing; with ``sync``, bring its fields to ``values``."""
        label = model._meta.verbose_name_plural
        obj = self.existing(model, lookup)
        if obj is None:
            obj = model(**lookup, **values)
            self.save(obj, label, self.report.created)
            if obj.pk:
                self.indexes[model].add(obj)
        elif self.sync and any(getattr(obj, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(obj, name, value)
            self.save(obj, label, self.report.updated)
        else:
            self.report.unchanged[label] += 1
        return obj

    def existing(self, model: type[models.Model], lookup: dict) -> models.Model | None:
        """The record ``lookup`` finds, if it is in the database or this load created it."""
        if model not in self.indexes:
            self.indexes[model] = RowIndex(model, list(lookup))
        return self.indexes[model].find(lookup)

    def save(self, obj: models.Model, label: str, counter: Counter) -> None:
        """Validate and save ``obj``, or record why not, without a query per check.

        ``full_clean`` would ask the database whether each related object exists (they come from
        this load), whether each unique value is free and whether each check constraint holds:
        about two thirds of a load's time. Here the fields are cleaned in Python, the check
        constraints evaluated in Python, and uniqueness left to the database, in a savepoint
        so that a clash is reported like any other problem.
        """
        related = {field.name for field in obj._meta.concrete_fields if field.is_relation}
        try:
            obj.full_clean(exclude=related, validate_unique=False, validate_constraints=False)
            if violated := check_constraint_errors(obj):
                raise ValidationError(violated)
        except ValidationError as error:
            self.problems.append(f"{label} {obj}: {'; '.join(error.messages)}")
            return
        obj._change_reason = CHANGE_REASON
        try:
            with transaction.atomic():
                obj.save()
        except IntegrityError as error:
            self.problems.append(f"{label} {obj}: clashes with a record already there ({error})")
            return
        counter[label] += 1

    def jurisdiction(self, code: str, where: str) -> m.Jurisdiction | None:
        if not code:
            return None
        found = self.jurisdictions.get(code)
        if found is None:
            self.problems.append(f"{where}: unknown jurisdiction {code!r}")
        return found

    def set_topics(self, tagged: m.Rule | m.Requirement, slugs: list[str], created: bool) -> None:
        wanted = {self.topics[slug] for slug in slugs if slug in self.topics}
        if (created and wanted) or (self.sync and set(tagged.topics.all()) != wanted):
            tagged.topics.set(wanted)

    def load(self) -> LoadReport:
        self.load_jurisdictions()
        self.load_coverage()
        self.load_topics()
        self.load_authorities()
        for rule in self.content.rules:
            self.load_rule(rule)
        for rule in self.content.rules:
            self.load_relations(rule)
            self.load_supersessions(rule)
        for application in self.content.applications:
            self.load_application(application)
        for company in self.content.companies:
            self.load_company(company)
        for record in self.content.records:
            self.load_record(record)
        for mapping in self.content.mappings:
            self.load_mapping(mapping)
        for milestone in self.content.milestones:
            self.load_milestone(milestone)
        self.load_provisions()
        if self.content.samples and not self.problems:
            sample_assessments(self, self.content.samples)
        if self.problems:
            raise ContentError("\n".join(self.problems))
        return self.report

    def load_jurisdictions(self) -> None:
        regions = self.content.regions
        for country in countries():
            values = {
                "name": country.name,
                "original_name": country.original_name,
                "kind": m.JurisdictionKind.COUNTRY,
                "region": regions.get(country.code, ""),
            }
            self.jurisdictions[country.code] = self.upsert(m.Jurisdiction, {"code": country.code}, values)
        for body in self.content.bodies:
            values = {
                "name": body.name,
                "kind": body.kind,
                "region": body.region,
                "description": body.description,
            }
            self.jurisdictions[body.code] = self.upsert(m.Jurisdiction, {"code": body.code}, values)
        for sub in self.content.subdivisions:
            parent = self.jurisdiction(subdivision_country(sub.code) or "", f"subdivision {sub.code}")
            if parent is None:
                continue
            values = {
                "name": sub.name,
                "original_name": sub.original_name,
                "kind": m.JurisdictionKind.SUBDIVISION,
                "parent": parent,
                "region": parent.region,
            }
            self.jurisdictions[sub.code] = self.upsert(m.Jurisdiction, {"code": sub.code}, values)
        spells = Counter((ms.member, ms.body, ms.role) for ms in self.content.memberships)
        for membership in self.content.memberships:
            where = f"membership {membership.member} in {membership.body}"
            member = self.jurisdiction(membership.member, where)
            body = self.jurisdiction(membership.body, where)
            if member and body:
                # A membership held once is the same membership when its date is found later;
                # only a place that joined, left and joined again is told apart by its dates.
                lookup = {"member": member, "body": body, "role": membership.role}
                values = {"until": membership.until, "source_url": membership.source_url, "note": membership.note}
                if spells[membership.member, membership.body, membership.role] > 1:
                    lookup["since"] = membership.since
                else:
                    values["since"] = membership.since
                self.upsert(m.Membership, lookup, values)

    def load_coverage(self) -> None:
        for entry in self.content.coverage:
            jurisdiction = self.jurisdiction(entry.jurisdiction, f"coverage of {entry.jurisdiction}")
            if jurisdiction:
                lookup = {"jurisdiction": jurisdiction, "domain": entry.domain}
                self.upsert(m.Coverage, lookup, {"researched_on": entry.researched_on, "note": entry.note})

    def load_topics(self) -> None:
        for topic in self.content.topics:
            values = {
                "name": topic.name,
                "description": topic.description,
                "parent": self.topics.get(topic.parent),
                "order": topic.order,
            }
            self.topics[topic.slug] = self.upsert(m.Topic, {"slug": topic.slug}, values)

    def load_authorities(self) -> None:
        for authority in self.content.authorities.values():
            values = {
                "name": authority.name,
                "abbreviation": authority.abbreviation,
                "jurisdiction": self.jurisdiction(authority.jurisdiction, f"authority {authority.slug}"),
            }
            self.authorities[authority.slug] = self.upsert(m.Authority, {"slug": authority.slug}, values)

    def load_rule(self, rule: rule_content.Rule) -> None:
        jurisdiction = self.jurisdiction(rule.jurisdiction, f"rule {rule.slug}")
        if jurisdiction is None:
            return
        existed = self.existing(m.Rule, {"slug": rule.slug}) is not None
        values = {
            "jurisdiction": jurisdiction,
            "authority": self.authorities.get(rule.authority),
            "title": rule.title,
            "original_title": rule.original_title,
            "short_name": rule.short_name,
            "citation": rule.citation,
            "instrument": rule.instrument,
            "binding_by_itself": rule.binding_by_itself,
            "treaty_instrument": rule.treaty_instrument,
            "level_min": rule.level_min,
            "level_max": rule.level_max,
            "vehicle_categories": rule.vehicle_categories,
            "adopted_on": rule.adopted_on,
            "applies_from": rule.applies_from,
            "applies_until": rule.applies_until,
            "summary": rule.summary,
            "internal_notes": rule.internal_notes,
            "state": rule.state,
            "last_reviewed_on": rule.reviewed_on,
            "last_reviewed_by": rule.reviewed_by if rule.reviewed_on else "",
        }
        obj = self.upsert(m.Rule, {"slug": rule.slug}, values)
        if obj.pk is None:
            return
        self.rules[rule.slug] = obj
        self.set_topics(obj, rule.topics, created=not existed)
        for order, source in enumerate(rule.sources):
            values = {
                "title": source.title,
                "publisher": source.publisher,
                "language": source.language,
                "official": source.official,
                "order": order,
            }
            self.upsert(m.Source, {"rule": obj, "url": source.url}, values)
        for order, requirement in enumerate(rule.requirements):
            values = {
                "reference": requirement.reference,
                "kind": requirement.kind,
                "obligation": requirement.obligation,
                "deadline": requirement.deadline,
                "evidence": requirement.evidence,
                "order": order,
                "reference_checked": requirement.reference_checked,
                "internal_note": requirement.internal_note,
            }
            existed = self.existing(m.Requirement, {"rule": obj, "key": requirement.key}) is not None
            saved = self.upsert(m.Requirement, {"rule": obj, "key": requirement.key}, values)
            if saved.pk:
                self.set_topics(saved, requirement.topics, created=not existed)

    def load_supersessions(self, rule: rule_content.Rule) -> None:
        """Second pass, once every requirement exists: which requirement replaces which, from when."""
        for requirement in rule.requirements:
            if not requirement.superseded_by:
                continue
            where = f"rule {rule.slug} requirement {requirement.key}"
            found = self.requirement(readiness_content.RequirementRef(rule.slug, requirement.key), where)
            successor = self.requirement(readiness_content.RequirementRef(*requirement.superseded_by), where)
            if not (found and successor) or not (self.sync or found.superseded_by_id is None):
                continue  # a curator's own choice stands unless syncing
            if (found.superseded_by_id, found.superseded_on) != (successor.pk, requirement.superseded_on):
                found.superseded_by, found.superseded_on = successor, requirement.superseded_on
                self.save(found, m.Requirement._meta.verbose_name_plural, self.report.updated)

    def load_relations(self, rule: rule_content.Rule) -> None:
        source = self.rules.get(rule.slug)
        for relation in rule.relations:
            target = self.rules.get(relation.target)
            if source and target:
                lookup = {"from_rule": source, "to_rule": target, "kind": relation.kind}
                values = {"applies_from": relation.applies_from, "note": relation.note}
                self.upsert(m.RuleRelation, lookup, values)

    def load_application(self, application: Application) -> None:
        party = self.jurisdiction(application.party, f"{application.party} applying {application.regulation}")
        regulation = self.rules.get(application.regulation)
        if party and regulation:
            values = {
                "since": application.since,
                "until": application.until,
                "source_url": application.source_url,
                "note": application.note,
            }
            self.upsert(m.RegulationApplication, {"party": party, "regulation": regulation}, values)

    def load_company(self, company: company_content.Company) -> None:
        values = {
            "name": company.name,
            "original_name": company.original_name,
            "segment": company.segment,
            "hq_city": company.hq_city,
            "hq_country": self.jurisdiction(company.hq_country, f"company {company.slug}"),
            "website": company.website,
            "listings": company.listings,
            "summary": company.summary,
            "internal_notes": company.internal_notes,
            "is_fictional": company.fictional,
        }
        obj = self.upsert(m.Company, {"slug": company.slug}, values)
        if obj.pk is None:
            return
        self.companies[company.slug] = obj
        for market in company.markets:
            jurisdiction = self.jurisdiction(market.jurisdiction, f"company {company.slug} market")
            if jurisdiction:
                lookup = {"company": obj, "jurisdiction": jurisdiction}
                self.upsert(m.Market, lookup, {"status": market.status, "since": market.since})

    def load_record(self, record: company_content.Record) -> None:
        company = self.companies.get(record.company)
        if company is None:
            return
        lookup = {
            "company": company,
            "kind": record.kind,
            "jurisdiction": self.jurisdiction(record.jurisdiction, f"record of {record.company}"),
            "source_url": record.source_url,
            "date": record.date,
        }
        values = {
            "rule": self.rules.get(record.rule),
            "issuer": record.issuer,
            "description": record.description,
            "internal_note": record.internal_note,
        }
        self.upsert(m.PublicRecord, lookup, values)

    def requirement(self, ref, where: str) -> m.Requirement | None:
        rule = self.rules.get(ref.rule)
        found = rule and self.existing(m.Requirement, {"rule": rule, "key": ref.key})
        if not found:
            self.problems.append(f"{where}: unknown requirement {ref.rule} {ref.key}")
        return found

    def load_mapping(self, mapping: readiness_content.Mapping) -> None:
        where = f"mapping {mapping.source.rule} {mapping.source.key}"
        source, target = self.requirement(mapping.source, where), self.requirement(mapping.target, where)
        if source and target:
            lookup = {"from_requirement": source, "to_requirement": target}
            values = {
                "relationship": mapping.relationship,
                "rationale": mapping.rationale,
                "internal_note": mapping.internal_note,
            }
            self.upsert(m.RequirementMapping, lookup, values)

    def load_milestone(self, milestone: milestone_content.Milestone) -> None:
        rule = self.rules.get(milestone.rule)
        if rule is None:
            return
        where = f"milestone {milestone.rule} {milestone.key}"
        requirement = None
        if milestone.requirement:
            ref = readiness_content.RequirementRef(milestone.rule, milestone.requirement)
            requirement = self.requirement(ref, where)
            if requirement is None:
                return
        values = {
            "requirement": requirement,
            "jurisdiction": self.jurisdiction(milestone.market, where),
            "kind": milestone.kind,
            "date": milestone.date,
            "source_url": milestone.source_url,
            "note": milestone.note,
        }
        self.upsert(m.Milestone, {"rule": rule, "key": milestone.key}, values)

    def load_provisions(self) -> None:
        """The standard questions, then each jurisdiction's answers with the requirements they rest on."""
        provisions = self.content.provisions
        questions = {}
        for q in provisions.questions:
            values = {
                "group": q.group,
                "topic": self.topics.get(q.topic),
                "label": q.label,
                "text": q.text,
                "yes_means": q.yes_means,
                "order": q.order,
            }
            questions[q.slug] = self.upsert(m.Question, {"slug": q.slug}, values)
        cited = m.Requirement.objects.filter(rule__slug__in={r.rule for a in provisions.answers for r in a.rests_on})
        requirements = {(r.rule.slug, r.key): r for r in cited.select_related("rule").defer("rule__search_vector")}
        existing = set(m.Answer.objects.values_list("question_id", "jurisdiction_id"))
        for answer in provisions.answers:
            where = f"answer of {answer.jurisdiction} to {answer.question}"
            jurisdiction, question = self.jurisdiction(answer.jurisdiction, where), questions.get(answer.question)
            rests_on = {requirements.get((ref.rule, ref.key)) for ref in answer.rests_on}
            read = {self.rules.get(slug) for slug in answer.checked_rules}
            if jurisdiction is None or question is None or None in rests_on or None in read:
                self.problems.append(f"{where}: its question or a requirement or rule it cites is missing")
                continue
            values = {
                "value": answer.value,
                "explanation": answer.explanation,
                "checked_on": answer.checked_on,
                "searched": answer.searched,
                "state": answer.state,
                "internal_note": answer.internal_note,
            }
            lookup = {"question": question, "jurisdiction": jurisdiction}
            created = (question.pk, jurisdiction.pk) not in existing
            saved = self.upsert(m.Answer, lookup, values)
            if saved.pk and (created or (self.sync and set(saved.rests_on.all()) != rests_on)):
                saved.rests_on.set(rests_on)
            if saved.pk and read and (created or (self.sync and set(saved.checked_rules.all()) != read)):
                saved.checked_rules.set(read)


def load_reference(root: Path, *, sync: bool = False) -> LoadReport:
    """Load ``root`` (the fixtures folder); raise ContentError, changing nothing, on any problem."""
    content = read_content(root)
    with transaction.atomic():
        return Loader(content, sync=sync).load()
