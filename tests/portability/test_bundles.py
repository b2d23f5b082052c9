"""Review bundles: export, import into another instance with new ids, and refuse what is not
whole. The round trip is the proof: export, import elsewhere, export again, and the two bundles
hold the same content apart from ids."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from rca.accounts.models import Membership, User
from rca.accounts.passwords import hash_password
from rca.audit.models import AuditEntry
from rca.audit.present import history_rows, user_ids_in
from rca.db import db
from rca.fishbone import undo
from rca.provider.models import PersonSupported, Service, StaffMember
from rca.reports import issued
from rca.reports.models import IssuedReport
from rca.reviews.models import Review
from rca.reviews.views import PANES
from tests.api_v1.conftest import Api
from tests.conftest import PASSWORD, REVIEW_FIELDS

from .conftest import FullReview, canonical

pytestmark = pytest.mark.usefixtures("other")


def export(flask_app: Flask, reference: str, out: Path) -> dict[str, Any]:
    result = flask_app.test_cli_runner().invoke(
        args=["bundle", "export", reference, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def import_(flask_app: Flask, path: Path, *extra: str) -> Any:
    return flask_app.test_cli_runner().invoke(args=["bundle", "import", str(path), *extra])


def imported(flask_app: Flask, path: Path, *extra: str) -> dict[str, Any]:
    result = import_(flask_app, path, *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def same_people(source: Flask, target: Flask, service_code: str = "OAK") -> None:
    """The receiving instance knows the service and every user (with their roles) by email,
    never by id: ids differ on purpose, a user unknown to the source comes first here."""
    with source.app_context():
        service = db.session.scalar(select(Service).where(Service.code == service_code))
        kind, label = service.kind, service.name
        users = [
            (u.email, u.name, [(m.role, m.service_id is None) for m in u.memberships])
            for u in db.session.scalars(select(User).order_by(User.id))
        ]
    with target.app_context():
        db.session.add(
            User(
                email="someone.else@example.org",
                name="Someone Else",
                password_hash=hash_password(PASSWORD),
            )
        )
        here = Service(code=service_code, name=label, kind=kind)
        db.session.add(here)
        db.session.flush()
        for email, name, roles in reversed(users):
            user = User(email=email, name=name, password_hash=hash_password(PASSWORD))
            for role, everywhere in roles:
                user.memberships.append(
                    Membership(role=role, service_id=None if everywhere else here.id)
                )
            db.session.add(user)
        db.session.commit()


@pytest.fixture
def report_bundle(app: Flask, report_review: Any, tmp_path: Path) -> Path:
    """The report review exported as a bundle, ``b.zip`` in the test's folder."""
    with app.app_context():
        reference = db.session.get(Review, report_review.review_id).reference
    export(app, reference, tmp_path / "b.zip")
    return tmp_path / "b.zip"


def count(flask_app: Flask, model: Any) -> int:
    with flask_app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_round_trip_gives_the_same_bundle_apart_from_ids(
    app: Flask, other: Flask, full_review: FullReview, tmp_path: Path
) -> None:
    first = export(app, full_review.reference, tmp_path / "first.zip")
    assert first["missing_files"] == []
    assert first["rows"]["evidence_row"] > 3 and first["rows"]["issued_report"] == 1
    same_people(app, other)
    report = imported(other, tmp_path / "first.zip")
    assert report["already_imported"] is False
    assert report["not_matched"]["users"] == []
    assert sorted(report["not_matched"]["staff_added"]) == [
        "Amy Patel",
        "Ben Okoro",
        "Dan Hughes",
        "Sarah Mitchell",
    ]
    assert report["left_behind"] == []
    assert report["rows"] == first["rows"]
    second = export(other, report["review"]["reference"], tmp_path / "second.zip")
    one = canonical((tmp_path / "first.zip").read_bytes())
    two = canonical((tmp_path / "second.zip").read_bytes())
    for name in one["tables"]:
        assert one["tables"][name] == two["tables"][name], name
    assert one == two
    assert second["rows"] == first["rows"]
    # The ids really are new ones: the other instance had a user and data of its own order.
    with other.app_context():
        review = db.session.get(Review, report["review"]["id"])
        assert review.reference == full_review.reference
        stored = Path(other.config["EVIDENCE_UPLOAD_DIR"])
        assert (stored / full_review.upload_sha256).is_file()
        assert (stored / full_review.completion_sha256).is_file()
        pdf = db.session.scalar(select(IssuedReport.pdf).where(IssuedReport.review_id == review.id))
        check = issued.verify(db.session, pdf, select(IssuedReport))
        assert check.match is not None and check.sha256 == full_review.issued_sha256


def test_the_imported_review_works_and_its_history_names_the_same_people(
    app: Flask, other: Flask, full_review: FullReview, tmp_path: Path, web_as: Any
) -> None:
    export(app, full_review.reference, tmp_path / "b.zip")
    same_people(app, other)
    report = imported(other, tmp_path / "b.zip")
    new_id = report["review"]["id"]

    def story(flask_app: Flask, review_id: int) -> list[tuple[str, str, str, list]]:
        with flask_app.app_context():
            entries = db.session.scalars(
                select(AuditEntry).where(AuditEntry.review_id == review_id).order_by(AuditEntry.id)
            ).all()
            names = dict(
                db.session.execute(
                    select(User.id, User.name).where(User.id.in_(user_ids_in(entries)))
                ).all()
            )
            return [
                (
                    row.who,
                    row.verb,
                    row.entry.label,
                    [
                        (c.label, c.before, c.after)
                        for c in row.changes
                        if not c.label.endswith(" id")
                    ],
                )
                for row in history_rows(entries, names)
            ]

    assert story(other, new_id) == story(app, full_review.review_id)
    with other.app_context():
        user = db.session.scalar(select(User).where(User.email == full_review.user.email))
        review = db.session.get(Review, new_id)
        # Changes made on another instance are not this one's to undo.
        with pytest.raises(undo.NothingToUndo):
            undo.undo_last(db.session, review, user)
        db.session.rollback()
        email = user.email
    from tests.conftest import Browserless

    browser = Browserless(other.test_client())
    assert browser.login(email).status_code == 302
    for pane in PANES:
        page = browser.get(f"/reviews/{new_id}/{pane}")
        assert page.status_code == 200, (pane, page.text[:300])
    assert (
        "Rota left the weekend without a manager" in browser.get(f"/reviews/{new_id}/analysis").text
    )


def test_the_same_bundle_imported_twice_is_imported_once(
    app: Flask, other: Flask, report_review: Any, report_bundle: Path
) -> None:
    same_people(app, other)
    first = imported(other, report_bundle)
    before = {m.__name__: count(other, m) for m in (Review, AuditEntry, StaffMember)}
    again = imported(other, report_bundle)
    assert again["already_imported"] is True
    assert again["review"] == first["review"]
    assert {m.__name__: count(other, m) for m in (Review, AuditEntry, StaffMember)} == before
    # Back into the instance it came from: the review is already there.
    assert imported(app, report_bundle)["review"]["id"] == report_review.review_id


def _rewrite(source: Path, target: Path, change: dict[str, bytes | None]) -> None:
    """Copy a bundle with entries replaced (bytes), removed (None) or added, manifest kept."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            if info.filename in change:
                continue
            dst.writestr(info, src.read(info.filename))
        for name, data in change.items():
            if data is not None:
                dst.writestr(name, data)


def test_a_changed_file_is_refused_naming_the_file_and_both_hashes(
    app: Flask, other: Flask, report_bundle: Path, tmp_path: Path
) -> None:
    same_people(app, other)
    with zipfile.ZipFile(report_bundle) as z:
        causes = json.loads(z.read("data/cause.json"))
        listed = json.loads(z.read("manifest.json"))["files"]["data/cause.json"]
    causes["rows"][0][causes["columns"].index("text")] = "Nobody was to blame"
    changed = json.dumps(causes).encode()
    _rewrite(report_bundle, tmp_path / "bad.zip", {"data/cause.json": changed})
    result = import_(other, tmp_path / "bad.zip")
    assert result.exit_code == 1
    message = result.output
    assert "data/cause.json" in message and listed in message
    import hashlib

    assert hashlib.sha256(changed).hexdigest() in message
    assert "Nothing was imported" in message
    assert count(other, Review) == 0 and count(other, StaffMember) == 0

    _rewrite(report_bundle, tmp_path / "less.zip", {"data/action.json": None})
    result = import_(other, tmp_path / "less.zip")
    assert result.exit_code == 1 and "data/action.json is listed in its manifest" in result.output

    _rewrite(report_bundle, tmp_path / "more.zip", {"files/" + "0" * 64: b"extra"})
    result = import_(other, tmp_path / "more.zip")
    assert result.exit_code == 1 and "not in its manifest" in result.output

    _rewrite(report_bundle, tmp_path / "escape.zip", {"../../etc/cron.d/x": b"x"})
    result = import_(other, tmp_path / "escape.zip")
    assert result.exit_code == 1 and "has no place in a review bundle" in result.output

    (tmp_path / "junk.zip").write_bytes(b"not a zip at all")
    result = import_(other, tmp_path / "junk.zip")
    assert result.exit_code == 1 and "not a readable ZIP file" in result.output
    assert count(other, Review) == 0


def test_registers_are_matched_by_natural_key_and_the_rest_is_reported(
    other: Flask, report_bundle: Path
) -> None:
    result = import_(other, report_bundle)
    assert result.exit_code == 1
    assert "There is no service OAK here" in result.output
    with other.app_context():
        home = Service(code="ELM", name="Elm Court", kind="care-home")
        db.session.add(home)
        db.session.flush()
        # Known here already, spelt with other spacing and case: matched, not added twice.
        db.session.add(StaffMember(service_id=home.id, name="amy  PATEL", role="Senior Carer"))
        db.session.add(PersonSupported(service_id=home.id, reference="P-1042"))
        db.session.commit()
    report = imported(other, report_bundle, "--service", "ELM")
    assert report["service"] == "ELM"
    assert report["not_matched"]["users"] == ["Ivy Investigator <inv@example.org>"]
    assert sorted(report["not_matched"]["staff_added"]) == [
        "Ben Okoro",
        "Dan Hughes",
        "Sarah Mitchell",
    ]
    assert report["not_matched"]["people_added"] == ["P-2001"]
    # The panel member cannot exist without their user account: left behind, and said so.
    assert report["left_behind"] == [
        "review_panel_member row 1: its user Ivy Investigator <inv@example.org> is not on "
        "this instance"
    ]
    with other.app_context():
        review = db.session.get(Review, report["review"]["id"])
        assert review.service.code == "ELM"
        assert review.lead_id is None
        amy = db.session.scalars(select(StaffMember).where(StaffMember.name.ilike("amy%"))).all()
        assert len(amy) == 1


def test_a_taken_reference_gets_the_next_free_one(
    app: Flask, other: Flask, report_review: Any, report_bundle: Path, make_user: Any
) -> None:
    with app.app_context():
        reference = db.session.get(Review, report_review.review_id).reference
    same_people(app, other)
    with other.app_context():
        from rca.reviews import lifecycle

        user = db.session.scalar(select(User).where(User.email == "inv@example.org"))
        from datetime import date

        from rca.accounts.models import Membership

        user.memberships.append(Membership(role="admin", service_id=None))
        db.session.flush()
        taken = lifecycle.create_review(
            db.session,
            user,
            {**REVIEW_FIELDS, "title": "Another"},
            date(2026, 11, 23),
        )
        db.session.commit()
        assert taken.reference == reference
    report = imported(other, report_bundle)
    assert report["reference_was"] == reference
    assert report["review"]["reference"] != reference


def test_the_api_answers_the_bundle_to_roles_that_may_export_it(
    app: Flask, report_review: Any, make_user: Any, token_for: Any
) -> None:
    with app.app_context():
        service = db.session.get(Service, report_review.service_id)
        db.session.expunge(service)
    lead = Api(app, token_for(report_review.user))
    answer = lead.get(f"/api/v1/reviews/{report_review.review_id}/bundle")
    assert answer.status_code == 200
    assert answer.mimetype == "application/zip"
    import hashlib

    assert answer.headers["X-Bundle-SHA256"] == hashlib.sha256(answer.data).hexdigest()
    assert "attachment" in answer.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(answer.data)) as z:
        assert "data/evidence_row.json" in z.namelist()
    reader = Api(app, token_for(make_user("ro@example.org", "read-only", [service])))
    refused = reader.get(f"/api/v1/reviews/{report_review.review_id}/bundle")
    assert refused.status_code == 403 and refused.json["error"]
    elsewhere = make_service_user(app, make_user)
    assert (
        Api(app, token_for(elsewhere))
        .get(f"/api/v1/reviews/{report_review.review_id}/bundle")
        .status_code
        == 404
    )
    spec = app.test_client().get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/reviews/{review_id}/bundle"]["get"]
    assert "application/zip" in operation["responses"]["200"]["content"]


def make_service_user(app: Flask, make_user: Any) -> User:
    with app.app_context():
        elm = Service(code="ELM", name="Elm", kind="care-home")
        db.session.add(elm)
        db.session.commit()
        db.session.refresh(elm)
        db.session.expunge(elm)
    return make_user("elm@example.org", "investigator", [elm])
