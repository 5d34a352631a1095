"""The people CSV is streamed: the header leaves before the rows are read, the rows go a batch at a time, and
the export is audited with its number of rows in the request's own unit of work."""

from __future__ import annotations

import csv
import io

from casework.models import AuditEvent


def test_people_csv_is_streamed_a_batch_at_a_time(login_as, make_person, db, monkeypatch):
    from casework.transfer import people_csv

    monkeypatch.setattr(people_csv, "BATCH", 2)
    for i in range(5):
        make_person(legal_name=f"Person {i}", a_number=f"00000000{i}", citizenship="Laos")
    staff = login_as("staff")
    response = staff.client.get("/people/export.csv")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv"
    chunks = [chunk.decode() for chunk in response.response]
    response.close()
    assert len(chunks) == 4  # the header, then 2 + 2 + 1 rows
    rows = list(csv.reader(io.StringIO("".join(chunks))))
    assert rows[0][:5] == ["Case", "Legal name", "Preferred name", "Name in native script", "A-number"]
    assert [r[1] for r in rows[1:]] == [f"Person {i}" for i in range(5)]
    assert [r[4] for r in rows[1:]] == [f"A000-000-00{i}" for i in range(5)]
    assert {r[5] for r in rows[1:]} == {"Laos"}
    assert db.count(AuditEvent, AuditEvent.action == "people.exported") == 1
    assert db.count(AuditEvent, AuditEvent.detail == "csv, 5 rows") == 1


def test_people_csv_streams_only_visible_people_and_keeps_cells_safe(login_as, make_person, make_org, db):
    make_person(legal_name="-2+3 Keo", preferred_name="@cmd")
    make_person(org=make_org("Another Project"), legal_name="Not Ours")
    response = login_as("staff").client.get("/people/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.response).decode())))
    response.close()
    assert [(r[1], r[2]) for r in rows[1:]] == [("'-2+3 Keo", "'@cmd")]
