"""flask create-org, create-user and demo."""

from datetime import timedelta

import sqlalchemy as sa

from casework.models import CaseAssignment, Organization, Person, User


def test_create_org_and_user(app, db, monkeypatch):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-org", "Valley Defense Network"])
    assert result.exit_code == 0 and "Created organization" in result.output
    assert runner.invoke(args=["create-org", "valley defense network"]).exit_code != 0

    monkeypatch.setenv("CASEWORK_PASSWORD", "lantern orchid quarry")
    result = runner.invoke(
        args=[
            "create-user",
            "--org",
            "Valley Defense Network",
            "--role",
            "staff",
            "--email",
            "Sam@Example.org",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.scalar(sa.select(User))
    assert user.email == "sam@example.org" and user.role == "staff"

    monkeypatch.delenv("CASEWORK_PASSWORD")
    result = runner.invoke(
        args=[
            "create-user",
            "--org",
            "Valley Defense Network",
            "--role",
            "admin",
            "--email",
            "boss@example.org",
        ],
        input="velvet harbor compass\nvelvet harbor compass\n",
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=[
            "create-user",
            "--org",
            "Valley Defense Network",
            "--role",
            "admin",
            "--email",
            "weak@example.org",
        ],
        input="password1234\npassword1234\n",
    )
    assert result.exit_code != 0 and "too common" in result.output
    result = runner.invoke(
        args=["create-user", "--org", "Nowhere", "--role", "admin", "--email", "x@example.org"]
    )
    assert result.exit_code != 0 and "create-org" in result.output


def test_demo_loads_two_orgs_users_and_the_four_situations(app, db, browser, monkeypatch):
    monkeypatch.delenv("CASEWORK_PASSWORD", raising=False)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    password = result.output.split("with the password: ")[1].split()[0]
    assert db.count(Organization) == 2 and db.count(Person) == 4
    emails = set(db.scalars(sa.select(User.email)))
    assert emails == {
        "admin@example.org",
        "staff@example.org",
        "volunteer@example.org",
        "attorney@example.org",
        "partner@example.net",
    }
    partner = db.scalar(sa.select(User).where(User.email == "partner@example.net"))
    assert partner.role == "staff"
    assert db.count(CaseAssignment) == 4
    browser.login("volunteer@example.org", password)

    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "nothing was changed" in again.output
    assert db.count(Person) == 4

    monkeypatch.setenv("CASEWORK_PASSWORD", "lantern orchid quarry")
    from casework.models import ReliefTemplate

    builtin = db.count(ReliefTemplate, ReliefTemplate.org_id.is_(None))
    reset = runner.invoke(args=["demo", "--reset"])
    assert reset.exit_code == 0 and "CASEWORK_PASSWORD" in reset.output and "lantern" not in reset.output
    assert db.count(Person) == 4
    assert builtin >= 6 and db.count(ReliefTemplate, ReliefTemplate.org_id.is_(None)) == builtin


def test_demo_covers_the_four_situations_end_to_end(app, db, monkeypatch):
    from casework.models import (
        CaseContact,
        CheckIn,
        Contact,
        Conviction,
        Note,
        ReliefApplication,
        ReliefStep,
        Task,
        TravelDocument,
    )

    monkeypatch.setenv("CASEWORK_PASSWORD", "lantern orchid quarry")
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    people = {p.legal_name: p for p in db.scalars(sa.select(Person))}
    assert {name: p.custody_status for name, p in people.items()} == {
        "Dara Keo": "released",
        "Sovann Pich": "free",
        "Tuan Minh Pham": "detained",
        "Khamla Phommachanh": "released",
    }
    assert all(db.count(Conviction, Conviction.person_id == p.id) >= 1 for p in people.values())
    refused = db.scalars(
        sa.select(TravelDocument).where(
            TravelDocument.outcome == "refused", TravelDocument.person_id == people["Khamla Phommachanh"].id
        )
    )
    assert any("not a citizen" in d.refusal_reason.lower() for d in refused)
    applications = db.scalars(sa.select(ReliefApplication))
    assert {a.jurisdiction for a in applications} >= {"MA", "CA", "WA"}
    in_progress = [a for a in applications if a.status not in ("granted", "denied", "withdrawn")]
    for jurisdiction in ("MA", "CA", "WA"):
        app_ = next(a for a in in_progress if a.jurisdiction == jurisdiction)
        done = db.count(ReliefStep, ReliefStep.application_id == app_.id, ReliefStep.done_on.is_not(None))
        total = db.count(ReliefStep, ReliefStep.application_id == app_.id)
        assert 0 < done < total, jurisdiction
    assert any(a.status == "granted" for a in applications)
    # The Massachusetts petition was filed on a real day: the comment period counts six weeks from it.
    ma = next(a for a in applications if a.jurisdiction == "MA")
    comment = db.scalar(
        sa.select(ReliefStep).where(ReliefStep.application_id == ma.id, ReliefStep.position == 5)
    )
    assert ma.status == "filed" and comment.due_on == ma.filed_on + timedelta(days=42)
    firms = {c.organization for c in db.scalars(sa.select(Contact)) if c.kind.is_attorney}
    assert any("LLP" in f for f in firms) and any("Rights" in f for f in firms)
    assert db.count(CaseContact) >= 8
    assert db.count(Note, Note.privileged.is_(True)) >= 2 and db.count(Note, Note.privileged.is_(False)) >= 2
    assert db.count(Task) >= 4 and db.count(CheckIn) >= 4


def test_analyze(app, db, make_person):
    make_person()
    result = app.test_cli_runner().invoke(args=["analyze"])
    assert result.exit_code == 0 and "statistics refreshed" in result.output
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        assert db.scalar(sa.text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'person'")) > 0
        # An empty table is recorded as small, so that joins start from it rather than from `person`.
        assert db.scalar(sa.text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'travel_document'")) == "1"
