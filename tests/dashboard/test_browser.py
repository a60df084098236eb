"""The dashboard and the consent page in a real browser (headless Chromium via Playwright),
against a real ``accord serve`` process: sign in, browse, edit a memory and read its history,
resolve a review item, withdraw an agent's access and see the agent refused over REST.
Every page is screenshotted into ``artifacts/dashboard/``, at 1280 px and at 390 px."""

from __future__ import annotations

import re
from typing import Any

from ..server.conftest import OPERATOR_KEY
from .conftest import Seeded, shot

SECTIONS = ["Overview", "Memories", "Conflicts", "Quality log", "Agents & keys", "Webhooks", "Domain"]


def sign_in(page: Any, seeded: Seeded, prefix: str, key: str) -> None:
    page.goto(seeded.server.url + prefix + "/")
    assert page.url.endswith(prefix + "/login")
    page.get_by_label(re.compile("key|token", re.I)).fill(key)
    page.keyboard.press("Enter")  # the form works from the keyboard
    page.wait_for_url(re.compile(re.escape(prefix) + "/$"))


# Form controls a screen reader could not name: no <label>, no aria-label.
_UNLABELLED = """[...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
  .map(e => e.outerHTML.slice(0, 80))"""


def unlabelled(page: Any) -> list[str]:
    found: list[str] = page.evaluate(_UNLABELLED)
    return found


def test_the_operator_signs_in_and_browses_every_page(page: Any, seeded: Seeded) -> None:
    sign_in(page, seeded, "/dashboard", OPERATOR_KEY)
    assert page.get_by_role("heading", name="Overview").is_visible()
    assert page.get_by_text("Full service").is_visible() or page.get_by_text("Degraded").is_visible()
    shot(page, "overview")
    for name in SECTIONS:
        page.get_by_role("navigation").get_by_role("link", name=name, exact=True).click()
        assert page.get_by_role("link", name=name, exact=True).get_attribute("aria-current") == "page"
        shot(page, "page-" + name.lower().replace(" & ", "-").replace(" ", "-"))
        assert unlabelled(page) == [], name
    assert OPERATOR_KEY not in page.content()
    page.get_by_role("navigation").get_by_role("link", name="Memories").click()
    page.get_by_role("link", name="alice").click()
    assert page.get_by_text("I live in Lisbon", exact=False).first.is_visible()
    page.get_by_label("Search").fill("hiking")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table tr td:first-child a")
    assert rows.count() >= 1 and all("hiking" in t.lower() for t in rows.all_inner_texts())
    shot(page, "user-memories")


def test_an_edit_becomes_a_version_with_a_diff_then_archive_and_restore(page: Any, seeded: Seeded) -> None:
    sign_in(page, seeded, "/dashboard", OPERATOR_KEY)
    page.goto(seeded.server.url + "/dashboard/users/alice?q=hiking")
    page.locator("table tr td:first-child a").first.click()
    before = page.locator("#current").inner_text()
    page.get_by_label("Text").fill(before.replace("Rota Vicentina", "Via Algarviana"))
    page.get_by_role("button", name="Save as a new version").click()
    assert page.get_by_role("status").inner_text() == "Saved as a new version."
    assert "Via Algarviana" in page.locator("#current").inner_text()
    latest = page.locator("ol.history li").first
    assert " ".join(latest.locator("ins").all_inner_texts()).split() == ["Via", "Algarviana"]
    assert " ".join(latest.locator("del").all_inner_texts()).split() == ["Rota", "Vicentina"]
    assert "by the operator" in latest.inner_text()
    shot(page, "memory-history")
    page.get_by_role("button", name="Archive").click()
    assert page.locator("#memory-status").inner_text() == "archived"
    page.get_by_role("button", name="Restore").click()
    assert page.locator("#memory-status").inner_text() == "active"
    history = seeded.call("GET", page.url.replace(seeded.server.url + "/dashboard", "/v1") + "/history", OPERATOR_KEY)
    changes = [(v["change_type"], v["agent_id"]) for v in history.json()]
    assert changes[1:] == [("manual_edit", "local"), ("archived", "local"), ("restored", "local")]


def test_a_review_item_is_resolved_in_place(page: Any, seeded: Seeded) -> None:
    sign_in(page, seeded, "/dashboard", OPERATOR_KEY)
    page.get_by_role("navigation").get_by_role("link", name="Conflicts").click()
    item = page.locator("section.conflict").first
    assert "vpn1.acme.com" in item.inner_text() and "vpn2.acme.com" in item.inner_text()
    evidence = item.locator(".claim").all_inner_texts()
    assert "said by user alice" in evidence[0] and "said by user bob" in evidence[1]
    shot(page, "conflicts-open")
    item.get_by_role("button", name="Accept the new claim").click()
    assert page.get_by_role("status").inner_text() == "Resolved."
    assert page.get_by_text("Nothing waits for review.").is_visible()
    open_items = seeded.call("GET", "/v1/conflicts?kind=review", OPERATOR_KEY).json()
    assert open_items == []


def test_a_user_withdraws_an_agent_on_the_consent_page_and_the_agent_is_refused(page: Any, seeded: Seeded) -> None:
    add = {"messages": "I prefer window seats on planes", "user_id": "alice"}
    assert seeded.call("POST", "/v1/memories/add", seeded.planner_key, json=add).status_code == 200
    sign_in(page, seeded, "/consent", seeded.alice_token)
    assert page.get_by_role("heading", name=re.compile("alice")).is_visible()
    assert unlabelled(page) == []
    shot(page, "consent")
    page.get_by_role("button", name="Withdraw access for planner").click()
    assert "Access withdrawn" in page.get_by_role("status").inner_text()
    refused = seeded.call("POST", "/v1/memories/add", seeded.planner_key, json=add)
    assert refused.status_code == 403, refused.text
    read = seeded.call("POST", "/v1/memories/retrieve", seeded.planner_key, json={"query": "tea", "user_id": "alice"})
    assert read.status_code == 200 and read.json()["memories"] == []
    shot(page, "consent-withdrawn")
    page.get_by_role("button", name="Restore access for planner").click()
    assert page.get_by_role("status").inner_text() == "Access restored."
    read = seeded.call("POST", "/v1/memories/retrieve", seeded.planner_key, json={"query": "tea", "user_id": "alice"})
    assert read.json()["memories"]


def test_a_user_answers_a_pending_question_in_place(page: Any, seeded: Seeded) -> None:
    sign_in(page, seeded, "/consent", seeded.alice_token)
    question = page.locator("form.question").first
    assert "Lisbon" in question.inner_text() and "Porto" in question.inner_text()
    question.get_by_label(re.compile("Porto")).check()
    question.get_by_role("button", name="Answer").click()
    assert page.get_by_role("status").inner_text() == "Thank you: your answer is saved."
    assert page.locator("form.question").count() == 0
    (settled,) = seeded.call("GET", "/v1/conflicts?status=resolved&kind=clarification", OPERATOR_KEY).json()
    assert settled["resolution"] == "candidate"
    listed = seeded.call("GET", "/v1/memories?user_id=alice", OPERATOR_KEY).json()
    (city,) = [m["content"] for m in listed if m["attribute_key"] == "city"]
    assert city.startswith("User lives in Porto")


def test_a_user_deletes_a_memory_from_the_consent_page(page: Any, seeded: Seeded) -> None:
    sign_in(page, seeded, "/consent", seeded.alice_token)
    row = page.locator("tr", has_text="green tea").first
    row.get_by_role("button", name=re.compile("^Delete")).click()
    assert page.get_by_role("status").inner_text() == "Deleted."
    listed = seeded.call("GET", "/v1/memories?user_id=alice", OPERATOR_KEY).json()
    assert not [m for m in listed if "green tea" in m["content"] and m["category"] != "episodic"]


def test_pages_fit_a_390_px_screen_and_start_with_a_skip_link(browser: Any, seeded: Seeded) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        sign_in(page, seeded, "/dashboard", OPERATOR_KEY)
        for path in ["/", "/users/alice", "/conflicts", "/quality", "/agents", "/webhooks"]:
            page.goto(seeded.server.url + "/dashboard" + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)  # wide tables scroll inside their own box
            shot(page, "mobile" + (path.replace("/", "-") if path != "/" else "-overview"))
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to content"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        sign_in(page, seeded, "/consent", seeded.alice_token)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot(page, "mobile-consent")
    finally:
        context.close()
