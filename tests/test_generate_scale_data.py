"""The synthetic corpus for benchmarks: valid rules that pass the database's own checks."""

import pytest
from django.core.management import call_command

from regulations.management.commands.generate_scale_data import PREFIX
from regulations.models import Instrument, Requirement, Rule

pytestmark = pytest.mark.django_db


def test_the_scale_corpus_is_made_of_valid_rules_and_can_be_deleted():
    call_command("generate_scale_data", rules=40, requirements_per_rule=3, verbosity=0)
    synthetic = Rule.objects.filter(slug__startswith=PREFIX)
    assert synthetic.count() == 40
    assert Requirement.objects.filter(rule__in=synthetic).count() == 120
    assert synthetic.filter(instrument=Instrument.GUIDANCE).exists()
    assert not synthetic.filter(instrument=Instrument.GUIDANCE, binding_by_itself=True).exists()
    assert all(rule.topics.count() == 2 for rule in synthetic.prefetch_related("topics"))

    call_command("generate_scale_data", delete=True, verbosity=0)
    assert not Rule.objects.filter(slug__startswith=PREFIX).exists()
