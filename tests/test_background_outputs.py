"""The background in every output: the PDF by audience (related people and incarceration never public; places
lived and rehabilitation only through consented facts), the case file and its import (a linked case travels as
a relative by name), and the case page's fixed number of queries."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
import sqlalchemy as sa

from casework.models import (
    Conviction,
    Incarceration,
    PlaceKind,
    PublicConsent,
    Rehabilitation,
    RehabilitationKind,
    Relation,
    RelationKind,
    Residence,
)
from casework.models.base import DatePrecision
from tests.conftest import text_of
from tests.test_packets import pdf_text
from tests.test_query_counts import count_selects

YEAR, MONTH, DAY = DatePrecision.YEAR, DatePrecision.MONTH, DatePrecision.DAY
PARTS = ["related-people", "places-lived", "incarceration", "rehabilitation"]


@pytest.fixture
def background(db, make_person, make_user):
    """A case with the whole background: a linked brother, a relative by name, a camp abroad and two homes in
    the US, a pretrial detention for its conviction, a GED inside and mentoring after."""
    attorney = make_user("attorney")
    person = make_person(legal_name="Dara Keo", assigned=[attorney])
    brother = make_person(legal_name="Sovann BROTHERCASE", immigration_status="order_of_supervision")
    robbery = db.add(
        Conviction(person_id=person.id, offense="Robbery (accomplice)", conviction_date=date(1998, 7, 17))
    )
    low, high = sorted((person.id, brother.id))
    db.add(
        Relation(person_id=low, related_person_id=high, kind=RelationKind.SIBLING, notes="RELATIONNOTE"),
        Relation(person_id=person.id, kind=RelationKind.CHILD, related_name="Mealea NAMEDRELATIVE"),
        Residence(
            person_id=person.id,
            kind=PlaceKind.REFUGEE_CAMP,
            place="Khao-I-Dang",
            country="Thailand",
            from_on=date(1981, 1, 1),
            from_precision=YEAR,
            to_on=date(1983, 6, 1),
            to_precision=MONTH,
            notes="PLACENOTE",
        ),
        Residence(
            person_id=person.id,
            place="STOCKTONHOME",
            state="CA",
            from_on=date(1989, 1, 1),
            from_precision=YEAR,
        ),
        Residence(
            person_id=person.id, place="LYNNHOME", state="MA", from_on=date(1996, 1, 1), from_precision=YEAR
        ),
        Incarceration(
            person_id=person.id,
            facility="FACILITYSENTINEL",
            pretrial=True,
            conviction_id=robbery.id,
            from_on=date(1994, 6, 1),
            from_precision=MONTH,
            to_on=date(1998, 7, 17),
            to_precision=DAY,
        ),
        Rehabilitation(
            person_id=person.id,
            kind=RehabilitationKind.DIPLOMA,
            title="GEDINSIDE",
            provider="PROVIDERINSIDE",
            during_incarceration=True,
            to_on=date(1997, 5, 1),
            to_precision=MONTH,
        ),
        Rehabilitation(
            person_id=person.id,
            kind=RehabilitationKind.SERVICE,
            title="Youth mentoring",
            provider="Lynn Boys and Girls Club",
            from_on=date(2012, 1, 1),
            from_precision=YEAR,
            notes="REHABNOTE",
        ),
    )
    return person, brother, attorney


def packet(browser, person, audience, sections=PARTS) -> str:
    response = browser.post(f"/people/{person.id}/packet", {"audience": audience, "sections": sections})
    assert response.status_code == 200 and response.mimetype == "application/pdf", text_of(response)
    return pdf_text(response.data)


# ---------------------------------------------------------------- PDF


def test_the_internal_packet_holds_the_whole_background(login_as, background):
    person, _brother, _attorney = background
    text = packet(login_as("staff"), person, "internal")
    for fact in (
        "Related people",
        "Sovann BROTHERCASE",
        "also faces removal",
        "Mealea NAMEDRELATIVE",
        "RELATIONNOTE",
        "Places lived",
        "Khao-I-Dang, Thailand (refugee camp)",
        "1981–1983-06",
        "STOCKTONHOME, California",
        "from 1996",
        "Incarceration",
        "FACILITYSENTINEL — pretrial",
        "1994-06–1998-07-17",
        "Robbery (accomplice)",
        "Rehabilitation",
        "GEDINSIDE",
        "PROVIDERINSIDE",
        "during incarceration",
        "REHABNOTE",
    ):
        assert fact in text, fact


def test_the_summary_has_the_background(login_as, background):
    person, _brother, attorney = background
    response = login_as(attorney).get(f"/people/{person.id}/summary.pdf")
    text = pdf_text(response.data)
    assert "Places lived" in text and "FACILITYSENTINEL" in text and "GEDINSIDE" in text


def test_an_attorney_who_may_not_open_the_brothers_case_reads_no_name(login_as, background):
    person, _brother, attorney = background
    text = packet(login_as(attorney), person, "attorney")
    assert "BROTHERCASE" not in text and "RELATIONNOTE" not in text
    assert "Another case of the organization (not open to the reader)" in text
    assert "Mealea NAMEDRELATIVE" in text


def _consent(db, person, scope):
    db.add(PublicConsent(person_id=person.id, given_by="Dara, in person", scope=scope))


def test_the_public_read_camps_abroad_and_rehabilitation_only_with_consent(login_as, background, db):
    person, _brother, _attorney = background
    _consent(db, person, "preferred_name,age")
    text = packet(login_as("staff"), person, "public")
    for hidden in ("Places lived", "Khao-I-Dang", "Rehabilitation", "Youth mentoring", "Related people"):
        assert hidden not in text, hidden


def test_the_public_read_no_home_no_relative_no_facility_and_nothing_done_inside_without_its_consent(
    login_as, background, db
):
    person, _brother, _attorney = background
    _consent(db, person, "arrival,community_ties")
    text = packet(login_as("staff"), person, "public")
    assert "Khao-I-Dang, Thailand (refugee camp)" in text and "1981–1983" in text
    assert "1983-06" not in text  # to the year only
    assert "Youth mentoring" in text and "Lynn Boys and Girls Club" in text and "from 2012" in text
    for hidden in (
        "STOCKTONHOME",
        "LYNNHOME",
        "PLACENOTE",
        "BROTHERCASE",
        "NAMEDRELATIVE",
        "FACILITYSENTINEL",
        "GEDINSIDE",
        "PROVIDERINSIDE",
        "REHABNOTE",
        "Incarceration",
        "Related people",
    ):
        assert hidden not in text, hidden


def test_what_was_done_inside_reaches_the_public_only_with_the_consent_to_an_old_conviction(
    login_as, background, db
):
    person, _brother, _attorney = background
    _consent(db, person, "community_ties,conviction_summary")
    text = packet(login_as("staff"), person, "public")
    assert "GEDINSIDE" in text and "during incarceration" in text and "1997" in text
    assert "PROVIDERINSIDE" not in text and "1997-05" not in text and "FACILITYSENTINEL" not in text


# ---------------------------------------------------------------- case file


def export(browser, person) -> dict:
    response = browser.get(f"/people/{person.id}/export.json")
    assert response.status_code == 200, text_of(response)
    return json.loads(response.get_data(as_text=True))


def import_file(browser, data: dict):
    return browser.post(
        "/admin/import",
        {"case_file": (io.BytesIO(json.dumps(data).encode()), "case.json")},
        content_type="multipart/form-data",
    )


def test_the_case_file_carries_the_background(login_as, background):
    person, _brother, _attorney = background
    data = export(login_as("staff"), person)
    relations = {r["related_name"]: r for r in data["relations"]}
    brother = relations["Sovann BROTHERCASE"]
    assert brother["kind"] == "sibling" and brother["linked_case"] and brother["faces_removal"]
    assert relations["Mealea NAMEDRELATIVE"]["kind"] == "child"
    assert not relations["Mealea NAMEDRELATIVE"]["linked_case"]
    camp = data["residences"][0]
    assert (camp["place"], camp["from_on"], camp["from_precision"], camp["to_on"], camp["to_precision"]) == (
        "Khao-I-Dang",
        "1981-01-01",
        "year",
        "1983-06-01",
        "month",
    )
    [jail] = data["incarcerations"]
    [conviction] = data["convictions"]
    assert jail["conviction_ref"] == conviction["ref"] and jail["pretrial"] is True
    assert [r["title"] for r in data["rehabilitation"]] == ["GEDINSIDE", "Youth mentoring"]


def test_a_linked_case_travels_by_name_and_is_imported_as_a_relative(login_as, background, make_org, db):
    person, _brother, _attorney = background
    original = export(login_as("staff"), person)
    other_admin = login_as("admin", org=make_org("Harbor Legal Aid"))
    response = import_file(other_admin, original)
    assert response.status_code == 302, text_of(response)
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    rows = db.scalars(sa.select(Relation).where(Relation.person_id == new_id).order_by(Relation.id))
    assert {(r.related_name, r.kind, r.related_person_id) for r in rows} == {
        ("Sovann BROTHERCASE", RelationKind.SIBLING, None),
        ("Mealea NAMEDRELATIVE", RelationKind.CHILD, None),
    }
    [jail] = db.scalars(sa.select(Incarceration).where(Incarceration.person_id == new_id))
    [robbery] = db.scalars(sa.select(Conviction).where(Conviction.person_id == new_id))
    assert jail.conviction_id == robbery.id and jail.from_precision == MONTH
    again = export(other_admin, db.get(type(person), new_id))
    for key in ("residences", "incarcerations", "rehabilitation"):
        assert again[key] == original[key], key
    for record in original["relations"]:
        record["linked_case"] = False  # the brother's case stayed with its organization
    assert sorted(again["relations"], key=str) == sorted(original["relations"], key=str)


def test_an_exporter_who_may_not_open_the_linked_case_does_not_export_its_name(login_as, background):
    person, _brother, attorney = background
    data = export(login_as(attorney), person)
    assert "BROTHERCASE" not in json.dumps(data) and "RELATIONNOTE" not in json.dumps(data)
    assert "Another case of the exporting organization (name not exported)" in json.dumps(data)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (
            lambda d: d["residences"][0].update(to_on="1980-01-01"),
            "residences[0]: the end (1980-01) is before the start (1981).",
        ),
        (
            lambda d: d["residences"][1].update(state="Atlantis"),
            "residences[1].state: must be a US state code",
        ),
        (
            lambda d: d["residences"][0].update(from_precision="decade"),
            "residences[0].from_precision: must be one of:",
        ),
        (lambda d: d["residences"][0].update(place=None), "residences[0].place: is required."),
        (
            lambda d: d["incarcerations"][0].update(conviction_ref=99),
            "incarcerations[0].conviction_ref: points nowhere",
        ),
        (lambda d: d["relations"][0].update(kind="cousin"), "relations[0].kind: must be one of:"),
        (lambda d: d["rehabilitation"][0].update(title=""), "rehabilitation[0].title: is required."),
        (lambda d: d.update(relations={"not": "a list"}), "relations: must be a list, not an object."),
    ],
)
def test_a_bad_background_imports_nothing(login_as, background, make_org, db, mutate, message):
    person, _brother, _attorney = background
    data = export(login_as("staff"), person)
    mutate(data)
    admin = login_as("admin", org=make_org("Harbor Legal Aid"))
    response = import_file(admin, data)
    assert response.status_code == 200 and message in text_of(response), text_of(response)
    assert db.count(Residence, Residence.person_id != person.id) == 0


def test_imported_dates_are_stored_as_their_precision_says(login_as, background, make_org, db):
    person, _brother, _attorney = background
    data = export(login_as("staff"), person)
    data["residences"][0].update(from_on="1981-07-19", from_precision="year")
    admin = login_as("admin", org=make_org("Harbor Legal Aid"))
    new_id = int(import_file(admin, data).headers["Location"].rsplit("/", 1)[1])
    camp = db.scalar(
        sa.select(Residence).where(Residence.person_id == new_id, Residence.place == "Khao-I-Dang")
    )
    assert (camp.from_on, camp.from_precision) == (date(1981, 1, 1), YEAR)


# ---------------------------------------------------------------- the case page


def test_the_case_page_queries_do_not_grow_with_the_background(app, login_as, make_person, db):
    staff = login_as("staff")

    def fill(person, n):
        for i in range(n):
            other = make_person(legal_name=f"Relative {i}")
            low, high = sorted((person.id, other.id))
            db.add(
                Relation(person_id=low, related_person_id=high, kind=RelationKind.PARENT),
                Relation(person_id=person.id, kind=RelationKind.SIBLING, related_name=f"Named {i}"),
                Residence(
                    person_id=person.id, place=f"Place {i}", from_on=date(1990 + i, 1, 1), from_precision=YEAR
                ),
                Incarceration(person_id=person.id, facility=f"Jail {i}", from_on=date(2000 + i, 5, 1)),
                Rehabilitation(
                    person_id=person.id, kind="program", title=f"Program {i}", to_on=date(2010, 1, i + 1)
                ),
            )
            db.add(Conviction(person_id=person.id, offense=f"Offense {i}"))

    small, large = make_person(legal_name="Small"), make_person(legal_name="Large")
    fill(small, 1)
    fill(large, 6)
    few = count_selects(app, lambda: staff.get(f"/people/{small.id}"))
    many = count_selects(app, lambda: staff.get(f"/people/{large.id}"))
    assert few == many, (few, many)
