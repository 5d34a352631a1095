"""casework.direct_sql: a statement run on the driver directly gives what `Connection.execute` gives (values
converted both ways), in the request's own transaction, and fails as SQLAlchemy would."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from casework import direct_sql
from casework.extensions import db as real_db
from casework.models import Organization, Petition, PetitionKind, PetitionStatus
from casework.outage import DatabaseUnreachable
from casework.petitions.signing import PUBLIC_COLUMNS
from tests.conftest import terminate_backend

_petition = Petition.__table__
_BY_SLUG = sa.select(*PUBLIC_COLUMNS).where(
    _petition.c.slug == sa.bindparam("slug"), _petition.c.kind == PetitionKind.HOSTED
)
_RENAME = (
    _petition.update()
    .where(_petition.c.id == sa.bindparam("pid"), _petition.c.status == sa.bindparam("from_status"))
    .values(title=sa.bindparam("title"), status=sa.bindparam("to_status"), updated_at=sa.func.now())
    .returning(_petition.c.id, _petition.c.status, _petition.c.title)
)


def renaming(petition_id: int, title: str, status: PetitionStatus) -> dict:
    """The parameters of _RENAME: an active petition gets `title` and `status`."""
    return {"pid": petition_id, "from_status": PetitionStatus.ACTIVE, "to_status": status, "title": title}


def hosted(db, person_id: int, org_id: int, **fields) -> Petition:
    """A hosted petition (committed): active at "bring-dara-home" unless `fields` say otherwise."""
    values = {
        "status": PetitionStatus.ACTIVE,
        "title": "Bring Dara home",
        "slug": "bring-dara-home",
        **fields,
    }
    return db.add(
        Petition(
            person_id=person_id,
            org_id=org_id,
            kind=PetitionKind.HOSTED,
            targets="The Governor",
            public_fields="",
            **values,
        )
    )


@pytest.fixture
def petition(make_person, db):
    person = make_person(legal_name="Direct Statement")
    return hosted(db, person.id, person.org_id)


def test_a_row_reads_as_through_sqlalchemy_with_members_for_stored_values(app, petition):
    with app.app_context():
        connection = real_db.session.connection()
        direct = direct_sql.first(connection, _BY_SLUG, {"slug": "bring-dara-home"})
        through_sqlalchemy = dict(connection.execute(_BY_SLUG, {"slug": "bring-dara-home"}).one()._mapping)
        assert direct == through_sqlalchemy
        assert direct["status"] is PetitionStatus.ACTIVE and direct["id"] == petition.id
        assert direct_sql.first(connection, _BY_SLUG, {"slug": "no-such-petition"}) is None
        real_db.session.rollback()


def test_a_write_takes_members_for_parameters_and_belongs_to_the_unit_of_work(app, petition, db):
    params = renaming(petition.id, "Renamed", PetitionStatus.CLOSED)
    with app.app_context():
        row = direct_sql.first(real_db.session.connection(), _RENAME, params)
        assert row == {"id": petition.id, "status": PetitionStatus.CLOSED, "title": "Renamed"}
        real_db.session.rollback()  # the request failed after the statement: nothing of it stays
    assert db.get(Petition, petition.id).title == "Bring Dara home"
    with app.app_context():
        assert direct_sql.first(real_db.session.connection(), _RENAME, params) is not None
        real_db.session.commit()
    stored = db.get(Petition, petition.id)
    assert (stored.title, stored.status) == ("Renamed", PetitionStatus.CLOSED)


def test_on_a_connection_of_its_own_a_write_is_ended_by_that_connections_commit(app, petition, db):
    params = renaming(petition.id, "Renamed on its own connection", PetitionStatus.ACTIVE)
    with app.app_context(), real_db.engine.connect() as connection:
        assert not connection.in_transaction()
        assert direct_sql.first(connection, _RENAME, params) is not None
        assert connection.in_transaction()  # begun as Connection.execute begins it
        connection.commit()
    assert db.get(Petition, petition.id).title == "Renamed on its own connection"


def test_a_statement_needing_a_default_computed_at_each_run_is_refused_on_every_database(app, petition, db):
    without_updated_at = (
        _petition.update().where(_petition.c.id == sa.bindparam("pid")).values(title="Renamed")
    ).returning(_petition.c.id)
    with app.app_context():
        with pytest.raises(TypeError, match="petition.updated_at"):
            direct_sql.first(real_db.session.connection(), without_updated_at, {"pid": petition.id})
        real_db.session.rollback()
    assert db.get(Petition, petition.id).title == "Bring Dara home"


def test_a_refused_statement_raises_its_sqlalchemy_error_without_the_values(app, petition, db):
    taken = db.add(Organization(name="Another organization"))
    duplicate_slug = (
        _petition.update()
        .where(_petition.c.id == sa.bindparam("pid"))
        .values(slug=sa.bindparam("slug"), org_id=sa.bindparam("org"), updated_at=sa.func.now())
        .returning(_petition.c.id)
    )
    other = hosted(
        db,
        petition.person_id,
        petition.org_id,
        status=PetitionStatus.DRAFT,
        title="Another",
        slug="another-petition",
    )
    with app.app_context():
        connection = real_db.session.connection()
        with pytest.raises(sa.exc.IntegrityError) as raised:
            direct_sql.first(
                connection, duplicate_slug, {"pid": other.id, "slug": "bring-dara-home", "org": taken.id}
            )
        assert "bring-dara-home" not in str(raised.value).split("[SQL:")[1]  # parameters hidden
        real_db.session.rollback()
        # the connection serves the next unit of work as usual
        assert direct_sql.first(real_db.session.connection(), _BY_SLUG, {"slug": "bring-dara-home"})
        real_db.session.rollback()


def test_a_lost_connection_is_an_outage_and_the_pool_replaces_it(app, petition):
    with app.app_context():
        engine = real_db.engine
        if engine.dialect.name not in direct_sql.DIRECT_DIALECTS:
            pytest.skip("SQLite runs the statement through Connection.execute itself")
        connection = real_db.session.connection()
        pid = connection.scalar(sa.text("SELECT pg_backend_pid()"))
        terminate_backend(engine, pid)
        with pytest.raises(DatabaseUnreachable):
            direct_sql.first(connection, _BY_SLUG, {"slug": "bring-dara-home"})
        assert connection.invalidated
        real_db.session.rollback()
        fresh = real_db.session.connection()
        assert fresh.scalar(sa.text("SELECT pg_backend_pid()")) != pid
        assert direct_sql.first(fresh, _BY_SLUG, {"slug": "bring-dara-home"})["id"] == petition.id
        real_db.session.rollback()


def test_the_engines_cursor_events_see_a_direct_statement(app, petition):
    """Statement counts (the tests', the benchmark's) and `begin_before_writes` see these statements too."""
    seen = []
    with app.app_context():
        engine = real_db.engine

        def before(conn, cursor, statement, parameters, context, executemany):
            seen.append(("before", statement, str(parameters)))

        def after(conn, cursor, statement, parameters, context, executemany):
            seen.append(("after", statement, str(parameters)))

        sa.event.listen(engine, "before_cursor_execute", before)
        sa.event.listen(engine, "after_cursor_execute", after)
        try:
            row = direct_sql.first(real_db.session.connection(), _BY_SLUG, {"slug": "bring-dara-home"})
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)
            sa.event.remove(engine, "after_cursor_execute", after)
            real_db.session.rollback()
    assert row is not None and row["id"] == petition.id
    assert [when for when, _, _ in seen] == ["before", "after"]
    assert all("FROM petition" in statement for _, statement, _ in seen)
    assert all("bring-dara-home" in parameters for _, _, parameters in seen)
