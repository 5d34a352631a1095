"""The house rules that keep every later fix landing once: one unit of work, one list of features and sections,
one definition of each shared error, and the shape of the code (scripts/check_shape.py)."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest
import sqlalchemy as sa

from casework import case_page, features, unit_of_work
from casework.errors import OperationError, WriteInReadOnlyRequest
from casework.extensions import db as _db
from casework.models import AuditEvent, Organization

ROOT = Path(__file__).resolve().parent.parent


def _load_check_shape():
    spec = importlib.util.spec_from_file_location("check_shape", ROOT / "scripts" / "check_shape.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- the unit of work


def test_a_request_commits_what_its_view_did(app, db):
    with app.test_request_context("/", method="POST"):
        unit_of_work.run_request(lambda: _db.session.add(Organization(name="Committed by the mechanism")))
    assert db.count(Organization, Organization.name == "Committed by the mechanism") == 1


@pytest.mark.parametrize(
    "method, row, stored",
    [
        ("POST", lambda: Organization(name="Never kept"), Organization.name == "Never kept"),
        # a GET whose reads ran outside a transaction (PostgreSQL): its audit row goes all the same
        (
            "GET",
            lambda: AuditEvent(action="test.audited-then-failed"),
            AuditEvent.action == "test.audited-then-failed",
        ),
    ],
)
def test_an_exception_rolls_back_everything_the_view_flushed(app, db, method, row, stored):
    def view():
        _db.session.execute(sa.select(Organization.id).limit(1)).all()
        _db.session.add(row())
        _db.session.flush()
        raise OperationError("refused half-way")

    with app.test_request_context("/", method=method), pytest.raises(OperationError):
        unit_of_work.run_request(view)
    assert db.count(type(row()), stored) == 0


def test_a_get_may_write_its_audit_record_and_nothing_else(app, db):
    with app.test_request_context("/", method="GET"):
        unit_of_work.run_request(lambda: _db.session.add(AuditEvent(action="test.viewed")))
    assert db.count(AuditEvent, AuditEvent.action == "test.viewed") == 1

    def writes():
        _db.session.add(Organization(name="Written by a GET"))
        _db.session.flush()

    with app.test_request_context("/", method="GET"), pytest.raises(WriteInReadOnlyRequest):
        unit_of_work.run_request(writes)
    assert db.count(Organization, Organization.name == "Written by a GET") == 0


def _server_transaction() -> str:
    """The transaction state on the database server of the request's connection: "idle" (none open), "open"
    (BEGIN sent), or "sqlite" (where every request has one, as before)."""
    connection = _db.session.connection()
    if connection.dialect.name != "postgresql":
        return "sqlite"
    from psycopg.pq import TransactionStatus

    status = connection.connection.dbapi_connection.info.transaction_status
    return "idle" if status == TransactionStatus.IDLE else "open"


def test_a_get_reads_outside_a_transaction_and_audits_inside_one(app, db):
    seen = []

    def view():
        _db.session.execute(sa.select(Organization.id).limit(1)).all()
        seen.append(_server_transaction())
        _db.session.add(AuditEvent(action="test.read-then-audited"))
        _db.session.flush()
        seen.append(_server_transaction())
        _db.session.execute(sa.select(Organization.id).limit(1)).all()
        seen.append(_server_transaction())

    with app.test_request_context("/", method="GET"):
        unit_of_work.run_request(view)
    assert seen in (["idle", "open", "open"], ["sqlite"] * 3)  # PostgreSQL: no BEGIN before the first write
    assert db.count(AuditEvent, AuditEvent.action == "test.read-then-audited") == 1


def test_a_get_that_only_read_outside_a_transaction_commits_nothing(app, db, org):
    """PostgreSQL: a GET whose reads ran outside a transaction has nothing to commit, and is not committed (its
    connection goes back to the pool all the same); one that wrote its audit record or waits for a commit's
    callback is, and one that changed a loaded object is refused at its commit. SQLite: every request has its
    transaction, committed as before."""
    commits: list[str] = []
    ran: list[str] = []

    def reads():
        _db.session.get(Organization, org.id)

    def audits():
        reads()
        _db.session.add(AuditEvent(action="test.audited-get"))

    def waits_for_a_commit():
        reads()
        unit_of_work.after_commit(lambda: ran.append("after commit"))

    def changes():
        _db.session.get(Organization, org.id).name = "Renamed by a GET"

    with app.app_context():
        session_class = type(_db.session())
    asking: list[str] = []  # the view being run
    listener = lambda session: commits.append(asking[-1])  # noqa: E731
    sa.event.listen(session_class, "after_commit", listener)
    try:
        for name, view in (("reads", reads), ("audits", audits), ("waits", waits_for_a_commit)):
            asking.append(name)
            with app.test_request_context("/", method="GET"):
                unit_of_work.run_request(view)
                # given back as the view returns, as a commit gives it back: the session's row may need one
                assert _db.engine.pool.checkedout() == 0, name
        asking.append("changes")
        with app.test_request_context("/", method="GET"), pytest.raises(WriteInReadOnlyRequest):
            unit_of_work.run_request(changes)
    finally:
        sa.event.remove(session_class, "after_commit", listener)
    with app.app_context():
        postgres = _db.engine.dialect.name == "postgresql"
    # A changed object is flushed by the commit, which refuses it (WriteInReadOnlyRequest): never committed.
    assert commits == (["audits", "waits"] if postgres else ["reads", "audits", "waits"])
    assert ran == ["after commit"]
    assert db.count(AuditEvent, AuditEvent.action == "test.audited-get") == 1
    assert db.get(Organization, org.id).name != "Renamed by a GET"


def test_a_get_that_locks_or_streams_does_so_in_a_transaction(app, db, org):
    seen = []

    def view():
        _db.session.execute(
            sa.select(Organization.id).where(Organization.id == org.id).with_for_update()
        ).all()
        seen.append(_server_transaction())

    def streams():
        rows = _db.session.execute(sa.select(Organization.id).execution_options(yield_per=10))
        seen.append(_server_transaction())
        seen.append(len(rows.all()))

    for make in (view, streams):
        with app.test_request_context("/", method="GET"):
            unit_of_work.run_request(make)
    assert seen[0] in ("open", "sqlite") and seen[1] in ("open", "sqlite") and seen[2] >= 1


_organization = Organization.__table__


@pytest.mark.parametrize("fails", [False, True])
def test_a_public_page_runs_on_a_plain_connection_committed_or_rolled_back_with_the_request(app, db, fails):
    """The public pages load no ORM object: their statements run on a Core connection of the request (the
    session never opens one), committed when the view returns, rolled back when it raises, and given back."""
    name = f"Written on the plain connection ({'failed' if fails else 'kept'})"

    def view():
        connection = unit_of_work.plain_connection()
        assert connection is unit_of_work.plain_connection()  # one per request
        connection.execute(_organization.insert().values(name=name))
        assert not _db.session().in_transaction()  # the ORM session was never asked for a connection
        if fails:
            raise OperationError("refused after the write")

    with app.test_request_context("/p/a-petition/sign", method="POST"):
        pool = _db.engine.pool
        if fails:
            with pytest.raises(OperationError):
                unit_of_work.run_request(view)
        else:
            unit_of_work.run_request(view)
        assert pool.checkedout() == 0
    assert db.count(Organization, Organization.name == name) == (0 if fails else 1)


def test_a_plain_connection_outside_the_public_pages_is_the_sessions(app):
    with app.test_request_context("/people", method="POST"):
        assert unit_of_work.plain_connection() is _db.session.connection()
        _db.session.rollback()
    with app.app_context():  # a command, the demo data
        assert unit_of_work.plain_connection() is _db.session.connection()
        _db.session.rollback()


def test_a_cli_transaction_commits_on_success_and_rolls_back_on_error(app, db):
    with app.app_context():
        with unit_of_work.transaction():
            _db.session.add(Organization(name="From a command"))
        with pytest.raises(RuntimeError), unit_of_work.transaction():
            _db.session.add(Organization(name="From a failed command"))
            _db.session.flush()
            raise RuntimeError("the command failed")
    assert db.count(Organization, Organization.name == "From a command") == 1
    assert db.count(Organization, Organization.name == "From a failed command") == 0


def test_every_get_route_of_the_matrix_writes_nothing_but_audit(app):
    """The guard is on for every request: a GET route that wrote would fail the authorization matrix with a
    500. Here: the guard is installed on the Session class, not on one session."""
    listeners = sa.event.contains(
        sa.orm.Session, "before_flush", unit_of_work._read_only_requests_write_only_audit
    )
    assert listeners


# ---------------------------------------------------------------- one list of features and sections


def test_the_factory_mounts_every_feature_and_links_every_stylesheet(app, login_as):
    declared = features.declared_features()
    assert [f.name for f in declared] == list(features.FEATURES)
    blueprints = set(app.blueprints)
    for feature in declared:
        for path in feature.blueprints:
            assert path.rsplit(":", 1)[0].startswith(f"casework.{feature.name}.")
        if feature.stylesheet:
            assert (ROOT / "casework" / "static" / feature.stylesheet).is_file()
    assert {"people", "relief", "petitions", "public"} <= blueprints
    page = login_as("staff").get("/people").get_data(as_text=True)
    for feature in declared:
        if feature.stylesheet:
            assert f"/static/{feature.stylesheet}" in page


def test_every_section_has_a_place_in_every_output_or_a_written_reason(app):
    with app.app_context():
        sections = case_page.registered_sections()
    assert len({s.key for s in sections}) == len(sections) >= 12
    assert case_page.missing_outputs(sections) == []


def test_a_section_added_without_an_output_or_a_reason_fails_the_check():
    throwaway = case_page.CaseSection(
        key="throwaway", title="Throwaway", template=None, order=99, load=lambda person, user: {}
    )
    assert case_page.missing_outputs([throwaway]) == [
        "throwaway: no pdf part and no written reason for leaving it out",
        "throwaway: no export part and no written reason for leaving it out",
    ]
    explained = case_page.CaseSection(
        key="explained",
        title="Explained",
        template=None,
        order=99,
        load=lambda person, user: {},
        omitted={"pdf": "Too short", "export": "Only the page shows it: nothing of it leaves the case."},
    )
    assert case_page.missing_outputs([explained]) == [
        "explained: no pdf part and no written reason for leaving it out"
    ]


def test_the_case_file_holds_exactly_the_keys_the_sections_write(app, make_user, make_person):
    from casework.transfer.export import export_case

    user = make_user("admin")
    person = make_person()
    with app.test_request_context():
        exported = export_case(user, _db.session.get(type(person), person.id))
        declared = {key for part in case_page.case_file_parts() for key in part.keys}
        packet_keys = [part.key for part in case_page.pdf_parts()]
    assert set(exported) - {"format", "version", "exported_at", "case_number"} == declared
    assert len(packet_keys) == len(set(packet_keys))  # one picker value per PDF part


# ---------------------------------------------------------------- one definition of each shared error


@pytest.mark.parametrize("name", ["OperationError", "EditConflict"])
def test_each_shared_error_is_defined_once(name):
    definitions = []
    for path in (ROOT / "casework").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        definitions += [
            path for node in ast.walk(tree) if isinstance(node, ast.ClassDef) and node.name == name
        ]
    assert [p.relative_to(ROOT).as_posix() for p in definitions] == ["casework/errors.py"]


# ---------------------------------------------------------------- the shape of the code


def test_the_code_keeps_its_shape():
    assert _load_check_shape().problems(ROOT) == []


def test_the_shape_check_finds_a_long_view_a_query_in_a_view_a_big_module_and_a_commit(tmp_path):
    package = tmp_path / "casework" / "feature"
    package.mkdir(parents=True)
    body = "\n".join(f"    x{i} = {i}" for i in range(31))
    (package / "views.py").write_text(
        "@bp.get('/')\ndef index():\n" + body + "\n    return db.session.scalar(sa.select(1))\n"
    )
    (package / "operations.py").write_text("def save():\n    db.session.commit()\n" + "\n" * 400)
    found = "\n".join(_load_check_shape().problems(tmp_path))
    assert "view index has 33 lines" in found
    assert "db.session in a views module" in found
    assert "select(...) in a views module" in found
    assert "operations.py: 402 lines" in found
    assert "operations.py:2: commit() outside the unit of work" in found


def test_a_requests_address_is_matched_once(login_as, monkeypatch):
    """The session opens before Flask matches the address and needs its endpoint: that match is the one Flask
    keeps (casework.unit_of_work.MatchedOnceRequestContext), for a page, a missing page and a wrong method."""
    from werkzeug.routing import MapAdapter

    staff = login_as("staff")
    matches: list[str] = []
    match = MapAdapter.match

    def counted(self, *args, **kwargs):
        matches.append(self.path_info)
        return match(self, *args, **kwargs)

    monkeypatch.setattr(MapAdapter, "match", counted)
    assert staff.get("/people").status_code == 200
    assert staff.get("/no-such-page").status_code == 404
    assert staff.client.delete("/people").status_code == 405
    assert matches == ["/people", "/no-such-page", "/people"]
