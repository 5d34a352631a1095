"""Name search through the index (FTS5 trigrams on SQLite, pg_trgm on PostgreSQL) finds exactly the people
the plain substring search found, and the index follows every way a person is written or removed."""

import io
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask_login import login_user

from casework.extensions import db as real_db
from casework.models import Organization, Person, User
from casework.models.name_search import FTS_TABLE, PG_INDEX, TRIGGERS
from casework.models.text import fold
from casework.people import search

PEOPLE = [
    {"legal_name": "Nguyễn Văn Minh", "aliases": "Minh Nguyen\nAnh Tư"},
    {"legal_name": "Sokha Chea", "aliases": "Sok Chea", "native_name": "ជា សុខា"},
    {"legal_name": "Somphone Sayavong", "native_name": "ສົມພອນ ໄຊຍະວົງ", "preferred_name": "Phone"},
    {"legal_name": "Trần Thị Lan", "aliases": "Lan Tran\nLanny"},
    {"legal_name": "Đặng Hoa", "aliases": "Dang Hoa"},
    {"legal_name": "Dara Keo", "aliases": "Keo Dara 100%\nunder_score", "a_number": "123456789"},
    {"legal_name": 'Le "Quoted" Vo', "aliases": "Lê Võ"},
    {"legal_name": "Vanna Ouk", "native_name": "អ៊ុក វណ្ណា"},
]

QUERIES = [
    "minh",
    "nguyen",
    "Nguyễn",
    "NGUYEN MINH",
    "tư",
    "tu",
    "chea sokha",
    "សុខា",
    "ជា",
    "ສົມພອນ",
    "ໄຊຍະ",
    "tran lan",
    "Trần",
    "dang",
    "đặng",
    "le",
    "lê võ",
    "vo",
    '"quoted"',
    '"',
    "100%",
    "%",
    "under_score",
    "_",
    "an",
    "lanny tran",
    "phone",
    "vanna វណ្ណា",
    "nobody",
    "a | d",
    "|",
    "123456789",
]


def reference(query: str, people: list[dict]) -> set[str]:
    """The search as it was before the index: every folded word a substring of one of the folded names."""
    words = fold(query).split()
    found = set()
    for p in people:
        names = [p["legal_name"], p.get("preferred_name"), p.get("native_name")]
        names += [a.strip() for a in (p.get("aliases") or "").splitlines() if a.strip()]
        text = " | ".join(fold(n) for n in names if n)
        if all(w in text for w in words):
            found.add(p["legal_name"])
    return found


def found_by_search(app, user_id: int, query: str) -> set[str]:
    """Who the search finds, checked the same whichever way the database is asked to read the matches."""
    with app.test_request_context():
        user = real_db.session.get(User, user_id)
        login_user(user)
        few, many = (
            {p.legal_name for p in real_db.session.scalars(search.filtered(user, {"q": query}, many=many))}
            for many in (False, True)
        )
        assert few == many
        return few


@pytest.fixture
def people(make_person, org):
    return [make_person(**fields) for fields in PEOPLE]


@pytest.mark.parametrize("query", QUERIES)
def test_search_finds_the_same_people_as_the_substring_search(app, make_user, people, query):
    staff = make_user("staff")
    expected = reference(query, PEOPLE) if query != "123456789" else {"Dara Keo"}
    assert found_by_search(app, staff.id, query) == expected


def test_a_volunteer_finds_only_their_cases_by_name(app, make_user, make_person):
    volunteer = make_user("volunteer")
    make_person(legal_name="Sokha Chea")
    mine = make_person(legal_name="Sokha Keo", assigned=[volunteer])
    assert found_by_search(app, volunteer.id, "sokha") == {mine.legal_name}


def fts_rows(app, word: str) -> set[int]:
    with app.app_context():
        if real_db.engine.dialect.name != "sqlite":
            return set(real_db.session.scalars(sa.select(Person.id).where(search.names_match([word]))))
        return set(
            real_db.session.scalars(
                sa.text(f"SELECT rowid FROM {FTS_TABLE} WHERE search_text MATCH :q"), {"q": f'"{word}"'}
            )
        )


def assert_index_whole(app) -> None:
    """On SQLite, FTS5 compares its index with the content table: an index out of step fails here."""
    with app.app_context():
        if real_db.engine.dialect.name == "sqlite":
            with real_db.engine.begin() as conn:
                conn.execute(
                    sa.text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('integrity-check', 1)")
                )


def test_the_index_follows_orm_inserts_updates_and_deletes(app, db, make_person):
    person = make_person(legal_name="Rithy Pich", aliases="Kosal")
    assert fts_rows(app, "rithy") == {person.id}
    assert fts_rows(app, "kosal") == {person.id}
    with app.app_context():
        row = real_db.session.get(Person, person.id)
        row.legal_name = "Thida Pich"
        row.aliases = None
        real_db.session.commit()
    assert fts_rows(app, "rithy") == set()
    assert fts_rows(app, "kosal") == set()
    assert fts_rows(app, "thida") == {person.id}
    assert_index_whole(app)
    with app.app_context():
        real_db.session.delete(real_db.session.get(Person, person.id))
        real_db.session.commit()
    assert fts_rows(app, "thida") == set()
    assert_index_whole(app)


def test_the_index_follows_bulk_writes_that_bypass_the_orm(app, db, org):
    """Bulk inserts (the demo, benchmarks), plain updates and deletes (purge) go through triggers."""
    now = datetime.now(UTC)
    with app.app_context():
        real_db.session.execute(
            sa.insert(Person),
            [
                {
                    "org_id": org.id,
                    "legal_name": f"Bulk {i}",
                    "search_text": f"bopha bulk {i}",
                    "sort_name": f"bulk {i}",
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for i in range(5)
            ],
        )
        real_db.session.commit()
        ids = sorted(real_db.session.scalars(sa.select(Person.id).where(Person.org_id == org.id)))
    assert fts_rows(app, "bopha") == set(ids)
    db.execute(sa.update(Person).where(Person.id == ids[0]).values(search_text="sothea"))
    db.execute(sa.delete(Person).where(Person.id == ids[1]))  # as the retention purge deletes a case
    assert fts_rows(app, "bopha") == set(ids[2:])
    assert fts_rows(app, "sothea") == {ids[0]}
    assert_index_whole(app)


def test_the_index_and_its_triggers_exist_at_the_head(app):
    with app.app_context(), real_db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            names = set(conn.scalars(sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
            assert set(TRIGGERS) <= names
            assert conn.scalar(sa.text(f"SELECT count(*) FROM sqlite_master WHERE name = '{FTS_TABLE}'")) == 1
        else:
            assert (
                conn.scalar(sa.text(f"SELECT count(*) FROM pg_indexes WHERE indexname = '{PG_INDEX}'")) == 1
            )


def test_the_list_counts_up_to_a_cap(app, login_as, org, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 5)
    staff = login_as("staff")
    now = datetime.now(UTC)
    rows = [
        {"org_id": org.id, "legal_name": f"P {i}", "search_text": f"p {i}", "sort_name": f"p {i}"}
        | {"created_at": now, "updated_at": now, "version": 1}
        for i in range(6)
    ]
    with app.app_context():
        real_db.session.execute(sa.insert(Person), rows[:5])
        real_db.session.commit()
    assert "5 people." in staff.get("/people").get_data(as_text=True)
    with app.app_context():
        real_db.session.execute(sa.insert(Person), rows[5:])
        real_db.session.commit()
    assert "5+ people." in staff.get("/people").get_data(as_text=True)


def test_the_index_follows_an_import_and_a_retention_purge(app, db, login_as, make_person, make_org, org):
    staff = login_as("staff")
    person = make_person(legal_name="Chenda Sisavath", case_status="closed", outcome="departed")
    exported = staff.get(f"/people/{person.id}/export.json").get_data()
    other_admin = login_as("admin", org=make_org("Harbor Legal Aid"))
    response = other_admin.post(
        "/admin/import",
        {"case_file": (io.BytesIO(exported), "case.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    imported = int(response.headers["Location"].rsplit("/", 1)[1])
    assert fts_rows(app, "sisavath") == {person.id, imported}
    db.execute(sa.update(Person).where(Person.id == person.id).values(outcome_on=date(2000, 1, 1)))
    db.execute(sa.update(Organization).where(Organization.id == org.id).values(purge_closed_after_years=5))
    result = app.test_cli_runner().invoke(args=["purge"], catch_exceptions=False)
    assert result.exit_code == 0 and f"case {person.id}" in result.output
    assert fts_rows(app, "sisavath") == {imported}
    assert_index_whole(app)


@pytest.mark.parametrize("sort", ["name", "updated", "created"])
def test_a_name_search_pages_forwards_and_backwards_in_order(app, make_user, make_person, sort):
    """A search of few matches reads its page's columns for the page's rows alone: every match appears once,
    in the sort's order, walking the pages forwards and back, with the count on each page."""
    staff = make_user("staff")
    for i in range(7):
        make_person(legal_name=f"Sovann Keo {i}", preferred_name=f"Tola {6 - i}")
    make_person(legal_name="Bopha Lim")  # not a match
    filters = {"q": "sovann", "sort": sort}
    with app.test_request_context():
        user = real_db.session.get(User, staff.id)
        login_user(user)
        everyone = search.page_of_people(user, filters, size=50)
        assert everyone.total == 7 and len(everyone.rows) == 7
        expected = [row.id for row in everyone.rows]
        columns, descending = search.SORTS[sort]
        keys = {
            p.id: tuple(getattr(p, c.key) for c in columns)
            for p in real_db.session.scalars(sa.select(Person).where(Person.id.in_(expected)))
        }
        assert expected == sorted(expected, key=keys.__getitem__, reverse=descending)
        pages, after = [], None
        while True:
            page = search.page_of_people(user, filters, after=after, size=3)
            assert page.total == 7
            pages.append([row.id for row in page.rows])
            if page.next_after is None:
                break
            after = page.next_after
        assert [i for ids in pages for i in ids] == expected
        assert [len(ids) for ids in pages] == [3, 3, 1]
        back = search.page_of_people(user, filters, before=pages[-1][0], size=3)
        assert [row.id for row in back.rows] == pages[1]
        assert back.rows[0].legal_name.startswith("Sovann Keo")
        assert back.rows[0].a_number_visible
