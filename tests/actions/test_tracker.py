"""The tracker and My actions: filters in the URL, access per service, exports neutralised."""

from __future__ import annotations

import csv
import io
import zipfile

from tests.actions.helpers import add_action


def _ids_in(html: str, texts: list[str]) -> list[str]:
    return [t for t in texts if t in html]


def test_overdue_filter_and_access_per_service(app, plan_setup, web_as):
    rid = plan_setup["review_id"]
    add_action(
        app,
        rid,
        text="Overdue: shift lead checks MAR induction at handover",
        due="2026-11-01",
        review_points=["2026-11-20"],
    )
    add_action(
        app,
        rid,
        text="Later: rewrite the agency induction checklist with eMAR steps",
        due="2027-03-01",
    )
    add_action(
        app,
        plan_setup["other_review_id"],
        text="Riverside: add alert prompts to the visit app",
        owner="Grace Adeyemi",
        due="2026-10-01",
    )
    web = web_as(plan_setup["lead"])
    page = web.get("/actions?view=overdue").get_data(as_text=True)
    assert "Overdue: shift lead" in page
    assert "Later: rewrite" not in page
    assert "Riverside" not in page  # another service's action never appears
    page = web.get("/actions?view=all").get_data(as_text=True)
    assert "Later: rewrite" in page and "Riverside: add alert" not in page
    other = web_as(plan_setup["other"]).get("/actions?view=all").get_data(as_text=True)
    assert "Riverside: add alert" in other and "Overdue: shift lead" not in other


def test_filters_by_owner_service_and_review(app, plan_setup, web_as):
    rid = plan_setup["review_id"]
    add_action(
        app,
        rid,
        text="Patrick action: weekly MAR spot check on agency rounds",
        owner="Patrick Nolan",
    )
    add_action(app, rid, text="Sarah action: add eMAR prompts to the induction checklist")
    web = web_as(plan_setup["lead"])
    page = web.get("/actions?owner=patrick+nolan&view=all").get_data(as_text=True)
    assert "Patrick action" in page and "Sarah action" not in page
    page = web.get("/actions?service=RIV&view=all").get_data(as_text=True)
    assert "Patrick action" not in page
    page = web.get(f"/actions?review={rid}&view=all&group=review").get_data(as_text=True)
    assert "Patrick action" in page and "Sarah action" in page


def test_my_actions_lists_only_what_the_user_owns(app, plan_setup, web_as):
    rid = plan_setup["review_id"]
    add_action(
        app,
        rid,
        text="Lucy action: brief the night team on the new MAR sign-off",
        owner="lucy@example.org",
    )
    add_action(app, rid, text="Sarah action: add eMAR prompts to the induction checklist")
    page = web_as(plan_setup["owner"]).get("/actions/mine?view=all").get_data(as_text=True)
    assert "Lucy action" in page and "Sarah action" not in page


def test_exports_neutralise_formulas(app, plan_setup, web_as):
    add_action(
        app,
        plan_setup["review_id"],
        text='=HYPERLINK("http://evil.example","click") then more words',
    )
    web = web_as(plan_setup["lead"])
    r = web.get("/actions/export.csv?view=all")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["Review", "Service", "Review title", "Action"]
    assert rows[1][3].startswith("'=HYPERLINK")
    r = web.get("/actions/export.xlsx?view=all")
    assert r.status_code == 200
    with zipfile.ZipFile(io.BytesIO(r.data)) as book:
        xml = (
            book.read("xl/sharedStrings.xml").decode()
            if "xl/sharedStrings.xml" in book.namelist()
            else ""
        )
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    assert "&apos;=HYPERLINK" in xml or "'=HYPERLINK" in xml or "'=HYPERLINK" in sheet


def test_export_of_another_service_holds_nothing_of_it(app, plan_setup, web_as):
    add_action(
        app,
        plan_setup["other_review_id"],
        text="Riverside: add alert prompts to the visit app",
        owner="Grace Adeyemi",
    )
    body = web_as(plan_setup["lead"]).get("/actions/export.csv?view=all").get_data(as_text=True)
    assert "Riverside" not in body
