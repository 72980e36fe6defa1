"""A compliance officer filters the rule list, opens a rule, sees why it applies, and goes back."""

import re

from playwright.sync_api import expect


def test_filtering_updates_list_and_counts_without_a_reload(page, live_url):
    page.goto(f"{live_url}/rules/")
    total = page.locator("#results-heading").inner_text()
    cyber_count_before = page.locator("label[for='f-topic-cybersecurity'] .kb-count").inner_text()
    page.evaluate("window.__stillHere = true")

    page.locator("#f-applies_in-de").check()
    expect(page.locator("#results-heading")).to_contain_text("applying in Germany")
    expect(page).to_have_url(re.compile(r"applies_in=DE"))

    cyber_count_germany = page.locator("label[for='f-topic-cybersecurity'] .kb-count").inner_text()
    assert cyber_count_germany != cyber_count_before  # facet counts follow the filter
    page.locator("#f-topic-cybersecurity").check()
    expect(page).to_have_url(re.compile(r"topic=cybersecurity"))
    expect(page.locator("#results-heading")).not_to_have_text(total)
    assert page.evaluate("window.__stillHere") is True  # swapped in place, never reloaded

    result = page.locator(".kb-result", has_text="UN R155")
    expect(result.locator(".kb-reasons")).to_contain_text("made binding by General Safety Regulation (GSR2)")
    result.get_by_role("link", name="UN R155").click()

    expect(page.locator("h1")).to_have_text("UN R155")
    expect(page.locator("#applies-heading")).to_be_visible()
    expect(page.locator(".kb-coverage")).to_contain_text("made binding by General Safety Regulation (GSR2)")
    expect(page.locator(".kb-coverage")).to_contain_text("Recognised, not mandatory")

    page.go_back()
    expect(page).to_have_url(re.compile(r"applies_in=DE.*topic=cybersecurity|topic=cybersecurity.*applies_in=DE"))
    expect(page.locator("#f-applies_in-de")).to_be_checked()
    expect(page.locator("#f-topic-cybersecurity")).to_be_checked()
    expect(page.locator("#results-heading")).to_contain_text("applying in Germany")


def test_search_as_you_type_and_reload_keeps_the_state(page, live_url):
    page.goto(f"{live_url}/rules/")
    page.locator("#id_q").fill("PIPL")
    expect(page).to_have_url(re.compile(r"q=PIPL"))
    expect(page.locator(".kb-result").first).to_contain_text("PIPL")
    page.reload()
    expect(page.locator("#id_q")).to_have_value("PIPL")
    expect(page.locator(".kb-result").first).to_contain_text("PIPL")


def test_a_bad_filter_shows_the_error_beside_the_field(page, live_url):
    response = page.goto(f"{live_url}/rules/?in_force_on=2027-02-30")
    assert response.status == 400
    expect(page.locator("#error-in_force_on")).to_contain_text("Give the date as YYYY-MM-DD")


def test_everything_works_without_javascript(browser, live_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_url}/rules/")
    page.locator(".kb-facet", has_text="Applies in").locator("summary").click()  # <details> needs no script
    page.locator("#f-applies_in-jp").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"applies_in=JP"))
    expect(page.locator("#results-heading")).to_contain_text("applying in Japan")
    context.close()


def test_typing_a_date_sends_it_once_it_is_whole_and_keeps_the_focus(page, live_url):
    """Issue 13, item 4: 01012027 typed into the day field is one request for 1 January 2027."""
    page.goto(f"{live_url}/rules/")
    sent = []
    page.on("request", lambda request: sent.append(request.url) if request.resource_type in ("xhr", "fetch") else None)
    field = page.locator("#id_on")
    field.focus()
    field.press_sequentially("01012027", delay=50)
    page.wait_for_timeout(800)  # longer than any debounce: nothing may have been sent while typing

    assert sent == []
    expect(field).to_be_focused()
    expect(field).to_have_value("2027-01-01")

    for _ in range(4):  # Tab walks the field's own parts (month, day, year) before it leaves the field
        if page.evaluate("document.activeElement.id") != "id_on":
            break
        page.keyboard.press("Tab")
    expect(page).to_have_url(re.compile(r"on=2027-01-01"))
    expect(page.locator("#results-heading")).to_contain_text("status on 1 January 2027")
    assert len(sent) == 1 and "on=2027-01-01" in sent[0]
    expect(page.locator("#id_on")).to_have_value("2027-01-01")


def test_a_search_that_finds_nothing_answers_and_offers_the_nearest_name(page, live_url):
    """Issue 13, item 2: a misspelt search gets a count, a message and a way on, never a blank pane."""
    page.goto(f"{live_url}/rules/")
    page.locator("#id_q").fill("gdrp")

    nothing = page.locator(".kb-nothing")
    expect(nothing).to_contain_text("No published rule matches “gdrp”")
    expect(page.locator("#results-heading")).to_contain_text("0 rules")
    nothing.get_by_role("link", name="GDPR", exact=True).click()

    expect(page).to_have_url(re.compile(r"q=GDPR"))
    expect(page.locator(".kb-result").first.get_by_role("heading")).to_have_text("GDPR")


def test_a_filter_that_finds_nothing_says_how_to_widen_it(page, live_url):
    page.goto(f"{live_url}/rules/?jurisdiction=af")
    nothing = page.locator(".kb-nothing")
    expect(nothing).to_contain_text("No published rule matches these filters")
    nothing.get_by_role("link", name="start again").click()
    expect(page.locator(".kb-result").first).to_be_visible()


def test_every_domain_is_in_view_and_further_places_unfold(page, live_url):
    """Issue 13, item 3: no facet hides options in an inner scroll box; long lists fold under "more"."""
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_url}/rules/")
    for domain in ("data-security", "road-safety", "cross-border-data-transfer"):
        expect(page.locator(f"#f-topic-{domain}")).to_be_visible()
    clipped = page.evaluate(
        "[...document.querySelectorAll('.kb-facet-options')].filter(e => e.scrollHeight > e.clientHeight + 1).length"
    )
    assert clipped == 0

    places = page.locator(".kb-facet", has_text="Applies in")
    value = places.locator("details .form-check-input").first.get_attribute("value")
    # Pinned by id: once ticked, the place moves out of the fold and ".first" would be another one.
    folded = page.locator(f"#f-applies_in-{value.lower()}")
    expect(folded).to_be_hidden()
    places.locator("summary").click()
    expect(folded).to_be_visible()
    folded.click()  # ticking submits the form, so check()'s own re-check would race the reload
    expect(page).to_have_url(re.compile(rf"applies_in={value}"))
    expect(folded).to_be_checked()
    expect(folded).to_be_visible()  # a ticked place is always shown
