"""Print, per mapped country, how many standard questions its published content answers, and which it leaves open.

A cell counts as answered when it shows an answer or a dated finding ("No rule: checked"); it is open when
it reads "No rule found" or "Not covered yet". Countries are listed from the fewest answered, so the work
left for the provision matrix reads from the top.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from regulations.models import Question
from regulations.provisions.layout import mapped_countries
from regulations.provisions.matrix import Status, provision_cells

OPEN = (Status.NONE_FOUND, Status.NOT_COVERED)
GOAL = 25  # issue 16: at least 25 questions answered for every covered market


class Command(BaseCommand):
    help = "List mapped countries by how many provision-matrix questions their published content answers."

    def add_arguments(self, parser):
        parser.add_argument("--below", type=int, default=None, help="only countries answering fewer questions")
        parser.add_argument("--questions", action="store_true", help="name each open question")

    def handle(self, *args, below=None, questions=False, **options):
        today = timezone.localdate()
        asked = list(Question.objects.select_related("topic__parent"))
        countries = mapped_countries()
        cells = provision_cells(countries, asked, today)
        rows = []
        for country in countries:
            open_ = [(q, cells[country.pk, q.pk].status) for q in asked if cells[country.pk, q.pk].status in OPEN]
            rows.append((len(asked) - len(open_), country.code, open_))
        rows.sort(key=lambda row: (row[0], row[1]))
        goal = below if below is not None else len(asked) + 1
        shown = [row for row in rows if row[0] < goal]
        reaching = sum(answered >= GOAL for answered, _, _ in rows)
        self.stdout.write(
            f"{len(countries)} mapped countries, {len(asked)} questions, on {today.isoformat()}: "
            f"{reaching} answer at least {GOAL}."
        )
        for answered, code, open_ in shown:
            self.stdout.write(f"{code}\t{answered} answered\t{len(open_)} open")
            if questions:
                for question, status in open_:
                    self.stdout.write(f"\t{Status.LABELS[status]}\t{question.slug}")
