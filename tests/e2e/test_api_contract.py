"""The API against its own OpenAPI description (issue 15), on the browser tests' gunicorn and database.

Schemathesis generates requests for every operation from the schema, valid ones and
invalid ones: no answer may be a 500, and each must match what the schema says of its
status, media type and body. One check is left out: that every request the schema admits
is accepted. The schema cannot say that ``force`` needs ``applies_in`` or that a code
must be one the database holds; the API answers those with a 400 naming the parameter.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from playwright.sync_api import expect
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

EXAMPLES = 40  # per operation and mode


@pytest.fixture(scope="session")
def api_schema(live_url):
    return schemathesis.openapi.from_url(f"{live_url}/api/v1/schema/")


def test_the_schema_describes_every_operation(api_schema):
    labels = {result.ok().label for result in api_schema.get_all_operations()}
    assert {
        "GET /api/v1/rules/",
        "GET /api/v1/rules/{slug}/",
        "GET /api/v1/requirements/",
        "GET /api/v1/rules/{slug}/requirements/{key}/",
        "GET /api/v1/checklist/",
        "GET /api/v1/companies/",
        "GET /api/v1/companies/{slug}/",
        "GET /api/v1/assessments/",
        "GET /api/v1/jurisdictions/{code}/applicability/",
        "GET /api/v1/changes/",
    } <= labels


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda mode: mode.value)
def test_every_operation_answers_as_its_schema_says(api_schema, mode):
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,  # the same requests on every run: CI passes or fails for a reason, not by chance
            suppress_health_check=list(HealthCheck),
        )
        def answers_as_described(case):
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        answers_as_described()


def test_the_documentation_page_shows_every_operation_under_the_policy(page, live_url):
    """The page fixture fails the test on any Content-Security-Policy violation."""
    page.goto(f"{live_url}/api/docs/")  # the design's address redirects to the versioned one
    assert page.url.endswith("/api/v1/docs/")
    operations = page.locator(".opblock-summary-path")
    expect(operations.first).to_be_visible(timeout=15_000)
    paths = set(operations.all_inner_texts())
    assert {"/api/v1/rules/", "/api/v1/checklist/", "/api/v1/companies/"} <= {p.replace("\u200b", "") for p in paths}
    page.locator(".opblock-summary", has_text="/api/v1/rules/").first.click()
    expect(page.get_by_text("applies_in").first).to_be_visible()
