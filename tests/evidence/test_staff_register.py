"""The staff register: exact matches reuse an entry; near misses are suggested, never merged."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from rca.db import db
from rca.evidence.importer import ImportRequest, run_import
from rca.evidence.models import StaffMatchSuggestion
from rca.evidence.reading import read_table
from rca.evidence.staff_register import (
    PeopleRegister,
    StaffRegister,
    normalise_name,
    resemblance,
)
from rca.provider.models import StaffMember
from rca.reviews.models import Review

from ._importing import new_review, write_csv


@pytest.mark.parametrize(
    ("a", "b"),
    [("John Smith", " john   SMITH "), ("Smith, John", "John Smith"), ("Zoë", "ZOË")],
)
def test_exact_normalised_names(a, b):
    assert normalise_name(a) == normalise_name(b)


def test_accents_and_initials_are_not_exact_matches():
    assert normalise_name("Zoe Smith") != normalise_name("Zoë Smith")
    assert normalise_name("J. Smith") != normalise_name("John Smith")


@pytest.mark.parametrize(
    ("a", "b", "low"),
    [
        ("Zoe Smith", "Zoë Smith", 100),
        ("J. Smith", "John Smith", 88),
        ("Jon Smith", "John Smith", 88),
    ],
)
def test_near_misses_resemble(a, b, low):
    assert resemblance(a, b) >= low


@pytest.mark.parametrize(("a", "b"), [("John Smith", "Jane Smythe"), ("Amir Khan", "Beth Jones")])
def test_different_people_do_not(a, b):
    assert resemblance(a, b) < 88


@pytest.fixture
def service_id(make_service) -> int:
    return make_service("OAK").id


def test_zoe_and_zoe_with_diaeresis_become_a_suggestion_not_a_merge(ctx, service_id):
    register = StaffRegister(db.session, service_id, write=True)
    zoe = register.resolve("Zoe Smith", role="Carer", employment="bank")
    assert register.resolve("zoe smith") == zoe
    zoe2 = register.resolve("Zoë Smith")
    john = register.resolve("John Smith")
    initial = register.resolve("J. Smith")

    assert len({zoe, zoe2, john, initial}) == 4
    pairs = {
        (s.staff_id, s.candidate_id, s.status)
        for s in db.session.scalars(select(StaffMatchSuggestion))
    }
    assert pairs == {(zoe2, zoe, "open"), (initial, john, "open")}
    assert db.session.get(StaffMember, zoe).employment == "bank"


def test_a_fresh_register_sees_what_is_already_stored(ctx, service_id):
    StaffRegister(db.session, service_id, write=True).resolve("Amir Khan")
    again = StaffRegister(db.session, service_id, write=True)
    assert again.find("AMIR KHAN") is not None
    assert again.resolve("Amir  Khan") == again.find("Amir Khan").id


def test_without_write_nothing_is_added(ctx, service_id):
    assert StaffRegister(db.session, service_id, write=False).resolve("New Person") is None
    assert PeopleRegister(db.session, service_id, write=False).resolve("P-1") is None
    assert db.session.scalars(select(StaffMember)).first() is None


def test_a_rota_import_suggests_zoe_for_zoe(ctx, make_service, make_user, make_review, tmp_path):
    review_id = new_review(make_service, make_user, make_review)
    header = ["Date", "Start", "End", "Staff Name"]
    rows = [
        ["22/10/2026", "08:00", "14:00", "Zoe Smith"],
        ["23/10/2026", "08:00", "14:00", "Zoë Smith"],
    ]
    path = write_csv(tmp_path / "rota.csv", header, rows, encoding="cp1252")
    table = read_table(path.read_bytes(), path.name)
    review = db.session.get(Review, review_id)
    outcome = run_import(db.session, ImportRequest(review=review, kind="rota", table=table))

    assert outcome.imported == 2
    names = sorted(s.name for s in db.session.scalars(select(StaffMember)))
    assert names == ["Zoe Smith", "Zoë Smith"]
    suggestion = db.session.scalars(select(StaffMatchSuggestion)).one()
    assert (suggestion.staff.name, suggestion.candidate.name) == ("Zoë Smith", "Zoe Smith")
    assert suggestion.score == 100
