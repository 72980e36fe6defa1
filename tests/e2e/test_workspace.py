"""The workspace grid in the browser (issue 17, step 3): edit a row in place with htmx, see a stale edit refused,
and do the same without JavaScript."""

import re

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from ..servers import Inbox, free_port
from .conftest import axe_violations, manage

PROGRAMME = """
import datetime as dt
from regulations import models as m
company = m.Company.objects.get(slug="example-motors")
programme, _ = m.Programme.objects.get_or_create(
    company=company, slug="{slug}",
    defaults=dict(name="{name}", vehicle_category="M1", sae_level=3),
)
m.ProgrammeMarket.objects.get_or_create(
    programme=programme, jurisdiction=m.Jurisdiction.objects.get(code="DE"),
    defaults=dict(type_approval_on=dt.date(2027, 7, 1)),
)
"""

SAVED_ELSEWHERE = """
from regulations import models as m
row = m.ProgrammeAssessment.objects.get(programme__slug="{slug}", requirement_id={requirement})
row.status, row.revision = "met", row.revision + 1
row.save()
"""


@pytest.fixture
def programme_url(server_env, live_url, request):
    slug = f"e2e-{request.node.name[:40].replace('_', '-')}"
    manage(server_env, "shell", "-c", PROGRAMME.format(slug=slug, name="Model E2E for Germany"))
    return slug, f"{live_url}/workspace/example-motors/{slug}/"


def test_a_status_changes_in_place_and_a_stale_change_is_refused(admin_page, live_url, programme_url, server_env):
    slug, url = programme_url
    page = admin_page
    page.goto(f"{live_url}/workspace/")
    page.get_by_role("link", name="Model E2E for Germany").first.click()
    expect(page).to_have_url(url)
    expect(page.locator("#grid-count")).to_contain_text("requirements")
    assert axe_violations(page) == []

    row = page.locator("tr[data-requirement]").first
    requirement = row.get_attribute("data-requirement")
    status = row.get_by_label(re.compile("^Status of"))
    status.select_option("gap")
    expect(row.get_by_role("status")).to_have_text("Saved.")
    expect(row.locator("[data-basis]")).to_have_text("this programme's own")

    page.reload()
    row = page.locator(f'tr[data-requirement="{requirement}"]')
    expect(row.get_by_label(re.compile("^Status of"))).to_have_value("gap")

    manage(server_env, "shell", "-c", SAVED_ELSEWHERE.format(slug=slug, requirement=requirement))
    row.get_by_label(re.compile("^Status of")).select_option("partly_met")
    expect(row.get_by_role("alert")).to_contain_text("changed it meanwhile (now met, revision 2)")
    expect(row.get_by_label(re.compile("^Status of"))).to_have_value("met")  # the other person's value, shown


def test_without_javascript_the_same_form_saves_and_returns_to_the_grid(browser, admin_login, live_url, programme_url):
    _, url = programme_url
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    username, password = admin_login
    page.goto(f"{live_url}/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Log in").click()

    page.goto(url + "?status=unknown")
    row = page.locator("tr[data-requirement]").first
    row.get_by_label(re.compile("^Status of")).select_option("partly_met")
    row.get_by_role("button", name="Save").click()
    expect(page).to_have_url(url + "?status=unknown")  # back with its filters
    expect(page.get_by_role("status").first).to_contain_text("Saved: ")
    context.close()


def test_the_spreadsheet_round_trip_with_a_conflict(admin_page, live_url, programme_url, tmp_path):
    """Export, edit with openpyxl, change a row on the site meanwhile, upload, choose, apply, see the figures move."""
    _, url = programme_url
    page = admin_page
    page.goto(url)
    first, second = (page.locator("tr[data-requirement]").nth(n) for n in (0, 1))
    first_id = first.locator("a").first.inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these rows (XLSX)").click()
    path = tmp_path / "checklist.xlsx"
    download.value.save_as(path)

    second.get_by_label(re.compile("^Status of")).select_option("gap")  # changed on the site after the export
    expect(second.get_by_role("status")).to_have_text("Saved.")

    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Checklist"]
    sheet["F2"], sheet["F3"] = "Met", "Partly met"  # the first row, and the second (a conflict)
    workbook.save(path)
    met_before = int(page.locator('#tally [data-status="met"] strong').inner_text())

    page.get_by_role("link", name="Upload a filled-in file").click()
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Preview the changes").click()
    expect(page.locator("#preview-summary")).to_contain_text("1 change, 1 conflict")
    expect(page.locator("[data-change]")).to_contain_text(first_id.split(" ")[0])
    assert axe_violations(page) == []
    page.get_by_role("button", name="Apply").click()

    expect(page).to_have_url(url)
    expect(page.get_by_role("status").first).to_contain_text("Applied 1 change; kept the site's values for 1 conflict")
    expect(page.locator('#tally [data-status="met"] strong')).to_have_text(str(met_before + 1))


A_RULE_CHANGES = """
from django.contrib.auth import get_user_model
from regulations import models as m
from regulations.services import record_new_requirements
rule = m.Rule.objects.published().get(slug="{slug}")
added = m.Requirement.objects.create(rule=rule, key="e2e-new-duty", reference="§ 1f (e2e)", kind="obligation",
    obligation="A duty added by a curator during the browser test.", order=999)
record_new_requirements(requirements=[added], user=get_user_model().objects.get(username="e2e-admin"))
"""


UNDO_THE_CHANGE = """
from regulations import models as m
m.ChangeEvent.objects.filter(requirement__key="e2e-new-duty").delete()
m.Requirement.objects.filter(key="e2e-new-duty").delete()
"""


def test_the_whole_loop_from_a_new_programme_to_the_digest(admin_page, live_url, server_env, tmp_path, admin_login):
    """Issue 17's "done when": create a programme, work its checklist, round-trip the spreadsheet with a conflict,
    watch it, and receive the next rule change by e-mail from the digest command through a real SMTP server."""
    page = admin_page
    name = "Model Loop for Germany"
    page.goto(f"{live_url}/admin/regulations/programme/add/")
    page.select_option("#id_company", label="Example Motors (fictional)")
    page.locator("#id_name").fill(name)
    page.locator("#id_vehicle_category").select_option("M1")
    page.locator("#id_sae_level").fill("3")
    page.locator(".add-row a, .add-row button").first.click()
    page.locator("#id_markets-0-jurisdiction + .select2 .select2-selection").click()
    page.locator(".select2-search__field").fill("Germany")
    page.locator(".select2-results__option", has_text="Germany").first.click()
    page.locator("#id_markets-0-type_approval_on").fill("2027-07-01")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto(f"{live_url}/workspace/")
    page.get_by_role("link", name=name).click()
    rows = page.locator("tr[data-requirement]")
    rule_slug = rows.first.locator("a").first.get_attribute("href").split("/")[2]  # /rules/<slug>/requirements/...
    for n, status in enumerate(("met", "gap")):
        rows.nth(n).get_by_label(re.compile("^Status of")).select_option(status)
        expect(rows.nth(n).get_by_role("status")).to_have_text("Saved.")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these rows (XLSX)").click()
    path = tmp_path / "loop.xlsx"
    download.value.save_as(path)
    rows.nth(1).get_by_label(re.compile("^Status of")).select_option("partly_met")  # changed on the site meanwhile
    expect(rows.nth(1).get_by_role("status")).to_have_text("Saved.")
    page.reload()  # the tally is counted when the page is made
    met = int(page.locator('#tally [data-status="met"] strong').inner_text())
    workbook = openpyxl.load_workbook(path)
    workbook["Checklist"]["F3"], workbook["Checklist"]["F4"] = "Met", "Met"  # a conflict, and a plain change
    workbook.save(path)

    page.get_by_role("link", name="Upload a filled-in file").click()
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Preview the changes").click()
    expect(page.locator("#preview-summary")).to_contain_text("1 change, 1 conflict")
    page.locator("[data-conflict] input[name=take]").check()  # take the file's value for the conflict too
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("status").first).to_contain_text("Applied 2 changes")
    expect(page.locator('#tally [data-status="met"] strong')).to_have_text(str(met + 2))

    page.goto(f"{live_url}/workspace/")
    page.locator("#id_programme").select_option(label=f"Example Motors (fictional): {name}")
    page.get_by_role("button", name="Watch").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Watching Example Motors (fictional): {name}")

    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        user = admin_login[0]
        manage(
            server_env,
            "shell",
            "-c",
            f"from django.contrib.auth import get_user_model; "
            f"get_user_model().objects.filter(username='{user}').update(email='lead@example.org')",
        )
        manage(server_env, "shell", "-c", A_RULE_CHANGES.format(slug=rule_slug))
        mail = {**server_env, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port), "SITE_URL": live_url}
        manage(mail, "send_digests")
    finally:
        controller.stop()
        manage(server_env, "shell", "-c", UNDO_THE_CHANGE)  # other browser tests read the same content
    assert len(inbox.messages) == 1
    digest = inbox.messages[0].decode()
    assert "To: lead@example.org" in digest and "§ 1f (e2e)" in digest
    assert f"{live_url}/rules/{rule_slug}/" in digest and name in digest
