# ruff: noqa: F811 - the fixtures of tests.test_backup are arguments here
"""rotate-keys: a new data key seals every value and document file key; interrupted and run again it goes on
where it stopped, every record readable all along; the old key leaves the ring only at the end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from casework import sealing
from casework.extensions import db as _db
from casework.maintenance import rotate
from casework.models import AuditEvent, Document, Note, Person
from tests.test_backup import empty_database_url, make_app  # noqa: F401 - fixtures
from tests.test_documents import pdf_bytes, png_bytes, upload
from tests.test_people_list import names, search

SEALED = {"person": ("a_number", "private_story"), "note": ("body",), "document": ("file_key",)}


@pytest.fixture
def records(app, login_as, make_person):
    """Five people with A-numbers and stories, a note on each, two documents."""
    staff = login_as("staff")
    people = [
        make_person(legal_name=f"Person {i}", a_number=f"01234567{i}", private_story=f"Story number {i}.")
        for i in range(5)
    ]
    for person in people:
        response = staff.post(
            f"/people/{person.id}/notes/new", {"body": f"Note on {person.id}", "version": "0"}
        )
        assert response.status_code == 302
    assert upload(staff, people[0].id, pdf_bytes(), "letter.pdf").status_code == 302
    assert upload(staff, people[1].id, png_bytes(), "scan.png").status_code == 302
    return staff, people


def ring_on_disk(app) -> dict:
    return json.loads((Path(app.instance_path) / sealing.RING_FILE).read_text())


def key_ids_in_use(app) -> set[str]:
    """The key ids named by the stored values."""
    used = set()
    with app.app_context():
        for table, columns in SEALED.items():
            for column in columns:
                for value in _db.session.scalars(sa.text(f"SELECT {column} FROM {table}")):  # noqa: S608
                    if value is not None:
                        used.add(value.split(".")[1])
    return used


def everything_reads(app, people, staff, *more_notes: str) -> None:
    """Every record opens, through the models and the pages."""
    with app.app_context():
        for i, person in enumerate(people):
            stored = _db.session.get(Person, person.id)
            assert (stored.a_number, stored.private_story) == (f"01234567{i}", f"Story number {i}.")
        assert sorted(n.body for n in _db.session.scalars(sa.select(Note))) == sorted(
            [f"Note on {p.id}" for p in people] + list(more_notes)
        )
        documents = {d.id: d.person_id for d in _db.session.scalars(sa.select(Document))}
        _db.session.remove()
    for document_id, person_id in documents.items():
        download = staff.get(f"/people/{person_id}/documents/{document_id}")
        assert download.status_code == 200 and download.data in (pdf_bytes(), png_bytes())
    assert names(search(staff, q="A012-345-673")) == ["Person 3"]


def test_a_rotation_seals_everything_under_a_new_key_and_retires_the_old(app, records):
    staff, people = records
    before = ring_on_disk(app)
    assert key_ids_in_use(app) == {before["current"]}
    documents_before = {p.name: p.read_bytes() for p in _documents(app).iterdir()}

    result = app.test_cli_runner().invoke(args=["rotate-keys"])
    assert result.exit_code == 0, result.output
    assert "Re-sealing" in result.stderr and "Re-sealing" not in result.stdout  # the progress bar
    after = ring_on_disk(app)
    assert after["current"] != before["current"] and list(after["keys"]) == [after["current"]]
    assert f"Rotated to key {after['current']}: 12 records re-sealed." in result.output
    assert key_ids_in_use(app) == {after["current"]}
    assert {p.name: p.read_bytes() for p in _documents(app).iterdir()} == documents_before  # re-wrapped only
    everything_reads(app, people, staff)
    with app.app_context():
        event = _db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "keys.rotated"))
        assert event is not None and "Story" not in (event.detail or "")
        assert (Path(app.instance_path) / sealing.RING_FILE).stat().st_mode & 0o777 == 0o600


class Interrupted(KeyboardInterrupt):
    """Ctrl-C in the middle of a rotation."""


def test_an_interrupted_rotation_resumes_and_every_record_reads_all_along(app, records, monkeypatch):
    staff, people = records
    old = ring_on_disk(app)["current"]
    monkeypatch.setattr(rotate, "BATCH", 2)

    def stop():
        raise Interrupted()

    monkeypatch.setattr(rotate, "after_batch", stop)
    result = app.test_cli_runner().invoke(args=["rotate-keys"])
    assert result.exit_code == 1 and "Aborted" in result.output  # click's answer to Ctrl-C
    midway = ring_on_disk(app)
    new = midway["current"]
    assert new != old and set(midway["keys"]) == {old, new}  # the old key stays until nothing uses it
    assert key_ids_in_use(app) == {old, new}  # one batch done, the rest not yet
    with app.app_context():
        assert rotate.pending_count(new) == 12 - 2
    everything_reads(app, people, staff)  # mid-rotation: both keys open, search finds either index

    staff.post(f"/people/{people[4].id}/notes/new", {"body": "Written midway", "version": "0"})
    monkeypatch.setattr(rotate, "after_batch", lambda: None)
    again = app.test_cli_runner().invoke(args=["rotate-keys"])
    assert again.exit_code == 0, again.output
    assert f"Resumed the rotation to key {new}: 10 records re-sealed." in again.output
    done = ring_on_disk(app)
    assert done["current"] == new and list(done["keys"]) == [new]
    assert key_ids_in_use(app) == {new}
    everything_reads(app, people, staff, "Written midway")


def test_a_rotation_that_finds_values_it_cannot_open_stops_and_keeps_the_old_key(app, records, monkeypatch):
    old = ring_on_disk(app)["current"]
    with app.app_context():
        _db.session.execute(
            sa.text("UPDATE note SET body = :v WHERE id = (SELECT min(id) FROM note)"),
            {"v": f"v1.{old}.AAAA"},
        )
        _db.session.commit()
    result = app.test_cli_runner().invoke(args=["rotate-keys"])
    assert result.exit_code == 1 and "The rotation stopped: note.body of row" in result.output
    assert old in ring_on_disk(app)["keys"]
    with app.app_context():
        _db.session.execute(sa.text("DELETE FROM note WHERE body = :v"), {"v": f"v1.{old}.AAAA"})
        _db.session.commit()
    assert app.test_cli_runner().invoke(args=["rotate-keys"]).exit_code == 0  # the rest goes on
    assert old not in ring_on_disk(app)["keys"]


def test_a_ring_given_in_the_environment_cannot_be_rotated_here(app, make_app, empty_database_url):
    other = make_app(empty_database_url, DATA_KEY="a data key given in the environment, 32+ characters")
    result = other.test_cli_runner().invoke(args=["rotate-keys"])
    assert result.exit_code == 1 and "CASEWORK_DATA_KEY" in result.output


def _documents(app) -> Path:
    return Path(app.config.get("DOCUMENTS_DIR") or Path(app.instance_path) / "documents")
