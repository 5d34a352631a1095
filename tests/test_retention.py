"""Retention: `purge --dry-run` lists the closed cases and audit events each organization's policy purges and
changes nothing; `purge` removes a due case with all it holds (documents' files, petitions' signatures), keeps
cases on legal hold, closed too recently or open, leaves a tombstone without values, and deletes old audit
events; the legal hold is placed and released from the case page, with a confirmation, audited."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from casework.models import (
    AuditEvent,
    Base,
    CaseOutcome,
    CaseStatus,
    Document,
    Organization,
    Person,
    Signature,
)
from tests.conftest import TODAY, shows
from tests.test_documents import png_bytes, upload
from tests.test_petitions_hosted import make_published

LONG_AGO = TODAY - timedelta(days=6 * 366)
LAST_YEAR = TODAY - timedelta(days=366)


def purge(app, *args):
    return app.test_cli_runner().invoke(args=["purge", *args], catch_exceptions=False)


def closed(on: date | None) -> dict:
    return {"case_status": CaseStatus.CLOSED, "outcome": CaseOutcome.DEPARTED, "outcome_on": on}


def set_policy(db, org, **policy):
    db.execute(sa.update(Organization).where(Organization.id == org.id).values(**policy))


@pytest.fixture
def cases(login_as, make_person, make_org, db, org, documents_dir):
    """A due case holding a document, a signed petition, a share and a team; and the cases to keep."""
    staff, due, petition = make_published(login_as, make_person, db)
    assert upload(staff, due.id, png_bytes(), "scan.png").status_code == 302
    db.add(
        Signature(
            petition_id=petition.id, state="validated", dedupe_hmac="d" * 64, confirmed_at=datetime.now(UTC)
        )
    )
    partner = make_org("Partner Clinic")
    assert (
        staff.post(f"/people/{due.id}/shares", {"grantee": partner.name, "level": "view"}).status_code == 302
    )
    assert staff.post(f"/people/{due.id}/team", {"user_id": staff.user.id}).status_code == 302
    db.execute(sa.update(Person).where(Person.id == due.id).values(**closed(LONG_AGO)))
    set_policy(db, org, purge_closed_after_years=5)
    kept = {
        "held": make_person(legal_name="Held Case", legal_hold=True, **closed(LONG_AGO)),
        "recent": make_person(legal_name="Recent Case", **closed(LAST_YEAR)),
        "open": make_person(legal_name="Open Case", case_status=CaseStatus.ACTIVE),
        "no policy": make_person(org=partner, legal_name="Partner Case", **closed(LONG_AGO)),
    }
    return due, kept


def rows_of_case(db, person_id: int) -> dict[str, int]:
    """Rows of every table that names the case, but the audit trail's own (kept by design)."""
    found = {}
    for table in Base.metadata.sorted_tables:
        for column in ("person_id", "related_person_id"):
            if column in table.c and table.name != "audit_event":
                count = db.scalar(
                    sa.select(sa.func.count()).select_from(table).where(table.c[column] == person_id)
                )
                if count:
                    found[f"{table.name}.{column}"] = count
    return found


def test_dry_run_lists_exactly_the_due_cases_and_changes_nothing(app, cases, db, documents_dir):
    due, kept = cases
    people, events, files = db.count(Person), db.count(AuditEvent), sorted(documents_dir.iterdir())
    result = purge(app, "--dry-run")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        f"organization {due.org_id}: case {due.id} closed {LONG_AGO} would purge"
    ]
    assert due.legal_name not in result.output and "Sokha" not in result.output
    assert (
        db.count(Person) == people
        and db.count(AuditEvent) == events
        and sorted(documents_dir.iterdir()) == files
    )
    assert "document.person_id" in rows_of_case(db, due.id)


def test_purge_removes_the_due_case_with_all_it_holds_and_keeps_the_others(app, cases, db, documents_dir):
    due, kept = cases
    stored = documents_dir / db.scalar(sa.select(Document.storage_name).where(Document.person_id == due.id))
    assert stored.exists() and db.count(Signature) == 1
    before = rows_of_case(db, due.id)
    assert {
        "document.person_id",
        "petition.person_id",
        "case_share.person_id",
        "case_assignment.person_id",
    } <= set(before)

    result = purge(app)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"organization {due.org_id}: case {due.id} closed {LONG_AGO} purged"
    ]
    assert db.get(Person, due.id) is None and rows_of_case(db, due.id) == {}
    assert not stored.exists() and db.count(Signature) == 0
    for person in kept.values():
        assert db.get(Person, person.id) is not None

    tombstone = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "person.purged"))
    assert (tombstone.object_type, tombstone.object_id, tombstone.org_id) == ("person", due.id, due.org_id)
    assert tombstone.actor_id is None and tombstone.fields is None and tombstone.detail is None
    assert not any("Sokha" in str(v) or "Meas" in str(v) for v in vars(tombstone).values())
    assert purge(app, "--dry-run").output == "Nothing is due.\n"


def test_a_case_that_fails_is_reported_and_the_others_go_on(app, cases, db, make_person, monkeypatch):
    due, _kept = cases
    second = make_person(**closed(LONG_AGO))
    from casework.maintenance import purge as purge_module

    real = purge_module.purge_case

    def fails_for_the_first(case):
        if case.person_id == due.id:
            raise RuntimeError("disk trouble")
        return real(case)

    monkeypatch.setattr(purge_module, "purge_case", fails_for_the_first)
    result = purge(app)
    assert result.exit_code == 1
    assert f"case {due.id} NOT purged (RuntimeError)" in result.output
    assert f"case {second.id} closed {LONG_AGO} purged" in result.output
    assert db.get(Person, due.id) is not None and db.get(Person, second.id) is None


def test_audit_retention_deletes_only_events_older_than_the_policy(app, db, org, make_org):
    other = make_org("No Policy Org")
    set_policy(db, org, audit_retention_years=2)
    now = datetime.now(UTC)
    old, young = now - timedelta(days=3 * 366), now - timedelta(days=200)
    db.add(
        AuditEvent(org_id=org.id, action="person.viewed", at=old),
        AuditEvent(org_id=org.id, action="person.viewed", at=old),
        AuditEvent(org_id=org.id, action="person.purged", object_type="person", object_id=99, at=young),
        AuditEvent(org_id=org.id, action="person.viewed", at=young),
        AuditEvent(org_id=other.id, action="person.viewed", at=old),
    )
    cutoff = (now - timedelta(days=2 * 365)).date()
    dry = purge(app, "--dry-run")
    assert dry.exit_code == 0 and f"organization {org.id}: 2 audit event(s) before" in dry.output
    assert db.count(AuditEvent) == 5

    result = purge(app)
    assert result.exit_code == 0 and f"organization {org.id}: 2 audit event(s) before" in result.output
    left = [(e.org_id, e.action) for e in db.scalars(sa.select(AuditEvent))]
    assert sorted(left) == sorted(
        [(org.id, "person.purged"), (org.id, "person.viewed"), (other.id, "person.viewed")]
    )
    assert all(
        e.at.date() >= cutoff for e in db.scalars(sa.select(AuditEvent).where(AuditEvent.org_id == org.id))
    )


def test_legal_hold_is_placed_and_released_with_a_confirmation(login_as, make_person, db):
    person = make_person(**closed(LONG_AGO))
    staff = login_as("staff")
    url = f"/people/{person.id}/legal-hold"
    page = staff.get(url)
    assert page.status_code == 200 and shows(page, "Place the case of")
    staff.post(url, {}, csrf=False)  # no confirmation token: nothing happens
    assert not db.get(Person, person.id).legal_hold
    assert staff.post(url, {}).status_code == 302 and db.get(Person, person.id).legal_hold
    assert shows(staff.get(f"/people/{person.id}"), "On legal hold")
    assert shows(staff.get(url), "Release the legal hold")
    assert staff.post(url, {}).status_code == 302 and not db.get(Person, person.id).legal_hold
    actions = db.scalars(sa.select(AuditEvent.action).where(AuditEvent.person_id == person.id))
    assert {"person.legal_hold_placed", "person.legal_hold_released"} <= set(actions)


def test_retention_settings_are_saved_and_bad_years_change_nothing(login_as, db, org):
    admin = login_as("admin")
    saved = admin.post(
        "/admin/settings",
        {"purge_closed_after_years": "7", "audit_retention_years": "10", "version": org.version},
    )
    assert saved.status_code == 302
    stored = db.get(Organization, org.id)
    assert (stored.purge_closed_after_years, stored.audit_retention_years) == (7, 10)
    bad = admin.post("/admin/settings", {"purge_closed_after_years": "31", "version": stored.version})
    assert bad.status_code == 200 and shows(bad, "Type a whole number from 1 to 30.")
    assert db.get(Organization, org.id).purge_closed_after_years == 7
    off = admin.post("/admin/settings", {"purge_closed_after_years": "", "version": stored.version})
    assert off.status_code == 302 and db.get(Organization, org.id).purge_closed_after_years is None


def test_a_hold_placed_after_the_listing_still_keeps_the_case(app, db, org, make_person, monkeypatch):
    set_policy(db, org, purge_closed_after_years=5)
    person = make_person(**closed(LONG_AGO))
    from casework.maintenance import purge as purge_module

    real = purge_module.find_due

    def listed_then_held(now=None):
        report = real(now)
        db.execute(sa.update(Person).where(Person.id == person.id).values(legal_hold=True))
        return report

    monkeypatch.setattr(purge_module, "find_due", listed_then_held)
    result = purge(app)
    assert result.exit_code == 0 and result.output == "Nothing is due.\n"
    assert db.get(Person, person.id) is not None
    assert db.count(AuditEvent, AuditEvent.action == "person.purged") == 0
