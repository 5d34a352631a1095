"""casework.row_sets: row sets read in one statement come back equal, column by column, to the ORM's own load
(sealed text, dates, timestamps, booleans, enums, NULLs, non-Latin text), in each row set's order."""

from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa

from casework import row_sets
from casework.extensions import db as real_db
from casework.models import (
    AdvocacyEvent,
    AdvocacyFigure,
    Base,
    CaseAssignment,
    CaseContact,
    CheckIn,
    Contact,
    Conviction,
    CustodyEvent,
    Document,
    Incarceration,
    Note,
    Person,
    Petition,
    PetitionCount,
    PetitionDelivery,
    PublicConsent,
    Rehabilitation,
    Relation,
    ReliefApplication,
    ReliefCounsel,
    ReliefStep,
    RemovalCase,
    Residence,
    SupportRecord,
    Task,
    TravelDocument,
    User,
    advocacy_event_person,
)
from tests.conftest import row_sets_cache_hits
from tests.test_query_counts import fill_case

# Every mapped class whose rows the case page reads through row_sets.
CASE_PAGE_MODELS = (
    AdvocacyEvent,
    AdvocacyFigure,
    CaseAssignment,
    CaseContact,
    CheckIn,
    Contact,
    Conviction,
    CustodyEvent,
    Document,
    Incarceration,
    Note,
    Person,
    Petition,
    PetitionCount,
    PetitionDelivery,
    PublicConsent,
    Rehabilitation,
    Relation,
    ReliefApplication,
    ReliefCounsel,
    ReliefStep,
    RemovalCase,
    Residence,
    SupportRecord,
    Task,
    TravelDocument,
    User,
)


def _columns(obj: Base) -> dict:
    """Every column loaded with the instance (deferred ones are left for when they are asked for)."""
    return {
        attr.key: getattr(obj, attr.key) for attr in sa.inspect(type(obj)).column_attrs if not attr.deferred
    }


@pytest.fixture
def filled(app, db, org, make_user, make_person):
    user = make_user("staff", name="Sokha Chhim · ស៊ុខា")
    person = make_person(
        legal_name="Vanna Keo", native_name="កែវ វណ្ណា", a_number="123456789", assigned=[user]
    )
    fill_case(db, person, org, user, 3)
    db.add(
        Note(person_id=person.id, body="ការណាត់ជួប — privileged", author_id=user.id, privileged=True),
        Note(person_id=person.id, body="", author_id=None),
        CheckIn(
            person_id=person.id, scheduled_on=date(2024, 2, 29), scheduled_time=time(9, 30), office="Ωmega"
        ),
        CustodyEvent(
            person_id=person.id,
            kind="removed",
            occurred_on=date(1999, 12, 31),
            voided_at=datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
            facility=None,
        ),
        Document(
            person_id=person.id,
            title="Lettre d'appui — ລາວ",
            filename="d.pdf",
            content_type="application/pdf",
            size=12345,
            sha256="0" * 64,
            storage_name="row-sets-test-document",
            privileged=True,
        ),
        Residence(person_id=person.id, place="Khao-I-Dang", country="Thailand", from_on=date(1981, 1, 1)),
        Incarceration(person_id=person.id, facility="Folsom", pretrial=True, to_on=date(2005, 6, 1)),
        Rehabilitation(person_id=person.id, kind="diploma", title="GED — ប្រកាសនីយបត្រ"),
        Relation(person_id=person.id, kind="child", related_name="Mealea ម៉ាលា", faces_removal=True),
        PublicConsent(
            person_id=person.id,
            scope="city",
            given_by="Dara, in person",
            recorded_by_id=user.id,
            withdrawn_at=datetime(2025, 5, 6, 7, 8, 9, tzinfo=UTC),
        ),
    )
    relative = make_person(legal_name="Linked Relative")
    db.add(Relation(person_id=person.id, related_person_id=relative.id, kind="sibling"))
    petition = db.add(
        Petition(
            person_id=person.id,
            org_id=person.org_id,
            kind="external",
            status="active",
            title="Bring Vanna home — នាំវណ្ណាមកផ្ទះវិញ",
            targets="Governor",
            goal=100,
        )
    )
    db.add(
        PetitionCount(petition_id=petition.id, counted_on=date(2024, 1, 1), count=7),
        PetitionDelivery(
            petition_id=petition.id,
            delivered_on=date(2024, 2, 1),
            delivered_to="Governor",
            recorded_by_id=user.id,
        ),
    )
    event = db.add(
        AdvocacyEvent(org_id=org.id, kind="statement", occurred_on=date(2025, 3, 14), title="Raid")
    )
    db.add(AdvocacyFigure(event_id=event.id, position=0, label="Detained", value=2**40))
    db.execute(advocacy_event_person.insert().values(event_id=event.id, person_id=person.id))
    return person


def test_every_case_page_model_round_trips(app, filled):
    with app.app_context():
        expected = {
            m: real_db.session.scalars(sa.select(m).order_by(m.id.desc())).all() for m in CASE_PAGE_MODELS
        }
        wanted = {m: [_columns(o) for o in rows] for m, rows in expected.items()}
        real_db.session.expunge_all()
        loaded = row_sets.fetch({m.__name__: sa.select(m).order_by(m.id.desc()) for m in CASE_PAGE_MODELS})
    for model in CASE_PAGE_MODELS:
        got = [_columns(o) for o in loaded[model.__name__]]
        assert got == wanted[model], model.__name__
        assert got, model.__name__  # the fixture fills every one
        for obj in loaded[model.__name__]:
            assert sa.inspect(obj).detached


def test_values_come_back_typed(app, filled):
    with app.app_context():
        notes = row_sets.fetch({"notes": sa.select(Note).where(Note.privileged).order_by(Note.id)})["notes"]
        voided = row_sets.fetch({"e": sa.select(CustodyEvent).where(CustodyEvent.voided_at.is_not(None))})[
            "e"
        ]
        check_in = row_sets.fetch({"c": sa.select(CheckIn).where(CheckIn.office == "Ωmega")})["c"][0]
        person = row_sets.fetch({"p": sa.select(Person).where(Person.id == filled.id)})["p"][0]
    assert "ការណាត់ជួប — privileged" in [n.body for n in notes]  # the sealed body opened
    assert all(n.privileged is True for n in notes)
    assert voided[0].voided_at == datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    assert voided[0].facility is None and voided[0].kind.value == "removed"
    assert voided[0].occurred_on == date(1999, 12, 31)
    assert (check_in.scheduled_on, check_in.scheduled_time) == (date(2024, 2, 29), time(9, 30))
    assert (person.native_name, person.a_number) == ("កែវ វណ្ណា", "123456789")


def test_order_filters_and_empty_sets_in_one_statement(app, filled):
    seen = []
    with app.app_context():
        engine = real_db.engine

        def count(*args):
            seen.append(args[2])

        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            loaded = row_sets.fetch(
                {
                    "latest": sa.select(Task).order_by(Task.due_on.desc(), Task.id.desc()),
                    "earliest": sa.select(Task).order_by(Task.due_on, Task.id),
                    "none": sa.select(Task).where(Task.title == "no such task"),
                    "joined": sa.select(CaseContact)
                    .join(CaseContact.contact)
                    .where(Contact.name == "Contact 1")
                    .order_by(Contact.sort_name),
                }
            )
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
    assert len(seen) == 1
    assert [(t.due_on, t.id) for t in loaded["latest"]] == sorted(
        ((t.due_on, t.id) for t in loaded["latest"]), reverse=True
    )
    assert [t.id for t in loaded["earliest"]] == [t.id for t in reversed(loaded["latest"])]
    assert loaded["none"] == []
    assert [link.role for link in loaded["joined"]] == ["Counsel"]


def test_a_row_set_selects_one_mapped_class(app):
    with app.app_context(), pytest.raises(ValueError):
        row_sets.fetch({"two": sa.select(Task, Note)})
    with app.app_context(), pytest.raises(ValueError):
        row_sets.fetch({"column": sa.select(Task.title)})


def test_attach_sets_relationships_from_other_row_sets(app, filled):
    with app.app_context():
        rows = row_sets.fetch(
            {
                "notes": sa.select(Note).order_by(Note.id),
                "users": sa.select(User),
                "petitions": sa.select(Petition),
                "counts": sa.select(PetitionCount),
                "none": sa.select(PetitionDelivery).where(sa.false()),
                "applications": sa.select(ReliefApplication),
            }
        )
        row_sets.attach(rows["notes"], "author", rows["users"])
        row_sets.attach(rows["petitions"], "counts", rows["counts"])
        row_sets.attach(rows["petitions"], "deliveries", rows["none"])
        expected = {n.id: n.author_id for n in real_db.session.scalars(sa.select(Note))}
    assert {n.id: (n.author.id if n.author else None) for n in rows["notes"]} == expected
    assert None in expected.values()  # a note whose author is gone reads None, not an error
    assert [c.count for c in rows["petitions"][0].counts] == [7]
    assert rows["petitions"][0].deliveries == []
    with pytest.raises(ValueError):  # a many-to-many through a table of links: not matched on columns here
        row_sets.attach(rows["applications"], "convictions", [])


def _built(monkeypatch) -> list[int]:
    """Counts the combined statements row_sets.fetch builds (one list item each)."""
    built: list[int] = []
    original = row_sets._Combined.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(row_sets._Combined, "__init__", counting)
    return built


def _wanted(person_id: int, titles: list[str]) -> dict[str, sa.Select]:
    return {
        "person": sa.select(Person).where(Person.id == person_id),
        "notes": sa.select(Note).where(Note.person_id == person_id).order_by(Note.id).limit(5),
        "tasks": sa.select(Task).where(Task.person_id == person_id, Task.title.in_(titles)).order_by(Task.id),
    }


def test_a_statement_built_once_reads_other_row_sets_of_its_shape_with_their_own_values(
    app, db, make_person, monkeypatch
):
    """A case page for another case (or another user) reuses the statement the first one built, and gets
    its own rows: every value of the new row sets replaces the one at its place."""
    people = [make_person(legal_name=f"Case {n}") for n in (1, 2, 3)]
    for n, person in enumerate(people):
        db.add(Note(person_id=person.id, body=f"note of case {n}", author_id=None))
        db.add(Task(person_id=person.id, title=f"task {n}", due_on=date(2026, 1, 1 + n)))
        db.add(Task(person_id=person.id, title="shared title", due_on=date(2026, 2, 1)))
    built = _built(monkeypatch)
    with app.app_context():
        row_sets._combined.clear()
        for n, person in enumerate(people):
            loaded = row_sets.fetch(_wanted(person.id, [f"task {n}", "none"]))
            assert [p.legal_name for p in loaded["person"]] == [f"Case {n + 1}"]
            assert [note.body for note in loaded["notes"]] == [f"note of case {n}"]
            assert [t.title for t in loaded["tasks"]] == [f"task {n}"]
        # an IN list is one parameter (expanded as the statement is sent): a longer one is a value too
        loaded = row_sets.fetch(_wanted(people[0].id, ["task 0", "shared title", "none"]))
        assert sorted(t.title for t in loaded["tasks"]) == ["shared title", "task 0"]
        assert [t.title for t in row_sets.fetch(_wanted(people[2].id, []))["tasks"]] == []
    assert len(built) == 1


def test_a_value_the_first_row_sets_shared_is_not_reused_for_row_sets_that_differ(
    app, db, make_person, monkeypatch
):
    first, second = make_person(legal_name="First case"), make_person(legal_name="Second case")
    built = _built(monkeypatch)
    with app.app_context():
        row_sets._combined.clear()
        same = Person.id == first.id  # one bound parameter in both row sets
        loaded = row_sets.fetch({"a": sa.select(Person).where(same), "b": sa.select(Person).where(same)})
        assert [p.legal_name for p in loaded["a"] + loaded["b"]] == ["First case", "First case"]
        loaded = row_sets.fetch(
            {
                "a": sa.select(Person).where(Person.id == first.id),
                "b": sa.select(Person).where(Person.id == second.id),
            }
        )
        assert [p.legal_name for p in loaded["a"]] == ["First case"]
        assert [p.legal_name for p in loaded["b"]] == ["Second case"]
    assert len(built) == 2  # the second was built afresh: its values at the shared place differ


def test_a_statement_built_once_is_compiled_once(app, db, make_person):
    """The run that builds a statement passes its values as every later run does: the second case page of a
    worker finds the statement compiled (SQLAlchemy keys a compiled form by the parameters' names)."""
    people = [make_person(legal_name=f"Case {n}") for n in (1, 2, 3)]
    with app.app_context():
        row_sets._combined.clear()
        real_db.session.get_bind().engine._compiled_cache.clear()
    with row_sets_cache_hits(app) as cache_hits, app.app_context():
        for person in people:
            row_sets.fetch(_wanted(person.id, ["none"]))
    assert cache_hits == [False, True, True]
