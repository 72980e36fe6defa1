"""Generate a large synthetic corpus (for the admin-at-scale benchmark; never for real content).

    manage.py generate_scale_data --rules 50000 --requirements-per-rule 10
    manage.py generate_scale_data --delete

Rules get the slug prefix "scale-", spread over the jurisdictions that already make rules,
mostly published, each with topics and requirements; bulk inserts, in batches.
"""

import datetime as dt
import random

from django.core.management.base import BaseCommand
from django.db import transaction

from regulations.models import CurationState, Instrument, Jurisdiction, Requirement, Rule, Topic

PREFIX = "scale-"
BATCH = 5000
WORDS = [
    "vehicle",
    "data",
    "security",
    "software",
    "update",
    "type",
    "approval",
    "driver",
    "location",
    "camera",
    "transfer",
    "cloud",
]
INSTRUMENTS = [Instrument.LAW, Instrument.REGULATION, Instrument.GUIDANCE]


class Command(BaseCommand):
    help = "Create (or --delete) a synthetic corpus of rules and requirements for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--rules", type=int, default=50_000)
        parser.add_argument("--requirements-per-rule", type=int, default=10)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--delete", action="store_true", help="remove the synthetic corpus instead")

    def handle(self, *args, rules, requirements_per_rule, seed, delete, **options):
        if delete:
            deleted, _ = Rule.objects.filter(slug__startswith=PREFIX).delete()
            self.stdout.write(f"Deleted {deleted} synthetic records.")
            return
        randomness = random.Random(seed)  # noqa: S311 - synthetic data, not security
        places = list(Jurisdiction.objects.filter(rules__isnull=False).distinct()) or list(
            Jurisdiction.objects.all()[:10]
        )
        topics = list(Topic.objects.all())
        start = Rule.objects.filter(slug__startswith=PREFIX).count()
        for first in range(start, start + rules, BATCH):
            with transaction.atomic():
                self.make_batch(
                    randomness, places, topics, first, min(BATCH, start + rules - first), requirements_per_rule
                )
            self.stdout.write(f"{first + BATCH - start:,} / {rules:,} rules")
        self.stdout.write(
            self.style.SUCCESS(f"Created {rules:,} rules and {rules * requirements_per_rule:,} requirements.")
        )

    def make_batch(self, randomness, places, topics, first, count, per_rule) -> None:
        instruments = [randomness.choice(INSTRUMENTS) for _ in range(count)]
        created = Rule.objects.bulk_create(
            Rule(
                slug=f"{PREFIX}{n}",
                jurisdiction=randomness.choice(places),
                title=f"Synthetic {' '.join(randomness.sample(WORDS, 4))} regulation {n}",
                short_name=f"SYN {n}",
                citation=f"Synthetic Act {n}/{2000 + n % 26}",
                instrument=instrument,
                binding_by_itself=instrument != Instrument.GUIDANCE,
                applies_from=dt.date(2015, 1, 1) + dt.timedelta(days=randomness.randrange(4000)),
                summary=f"A synthetic rule about {' and '.join(randomness.sample(WORDS, 3))}, for benchmarks.",
                state=CurationState.PUBLISHED if randomness.random() < 0.8 else CurationState.IN_REVIEW,
                last_reviewed_on=dt.date(2024, 1, 1) + dt.timedelta(days=randomness.randrange(700)),
            )
            for n, instrument in zip(range(first, first + count), instruments, strict=True)
        )
        through = Rule.topics.through
        through.objects.bulk_create(
            through(rule_id=rule.pk, topic_id=topic.pk) for rule in created for topic in randomness.sample(topics, 2)
        )
        Requirement.objects.bulk_create(
            (
                Requirement(
                    rule=rule,
                    key=f"art-{k}",
                    reference=f"Art. {k + 1}",
                    obligation=f"Keep {' '.join(randomness.sample(WORDS, 3))} records under article {k + 1}.",
                    evidence="Records.",
                    order=k,
                )
                for rule in created
                for k in range(per_rule)
            ),
            batch_size=BATCH,
        )
