"""Relief deadlines follow what happened, through the forms a user fills in: a real filing day moves every date
counted from it (with its reason, and a line in the history), "filed on" and the status follow the filing step,
a date set by hand stays put, a closed application has no open deadline anywhere, and a template's newer
revision reaches an open application only after a preview."""

from __future__ import annotations

import importlib.util
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from casework.models import ReliefApplication, ReliefEvent, ReliefStep, ReliefTemplate, ReliefTemplateStep
from tests.conftest import shows, text_of
from tests.test_relief_templates import builtin_templates  # noqa: F401  (autouse: the seeded templates)

OPENED = "2026-11-15"
FILED = date(2026, 12, 1)


@pytest.fixture
def person(make_person):
    return make_person(legal_name="Sokha Mao", state="MA")


@pytest.fixture
def staff(login_as):
    return login_as("staff", name="Vanna Chea")


def open_ma_pardon(staff, person, opened_on=OPENED) -> None:
    response = staff.post(
        f"/people/{person.id}/relief/new",
        {"kind": "parole_board_pardon", "jurisdiction": "MA", "template": "best", "opened_on": opened_on},
    )
    assert response.status_code == 302, text_of(response)


def application_of(db, person) -> ReliefApplication:
    return db.scalar(sa.select(ReliefApplication).where(ReliefApplication.person_id == person.id))


def step(db, application, position) -> ReliefStep:
    return db.scalar(
        sa.select(ReliefStep).where(
            ReliefStep.application_id == application.id, ReliefStep.position == position
        )
    )


def app_url(person, application) -> str:
    return f"/people/{person.id}/relief/{application.id}"


def mark_done(browser, db, person, application, position, day, **extra):
    s = step(db, application, position)
    prefix = f"step-{s.id}-"
    data = {prefix + "done_on": day, prefix + "version": str(s.version)}
    data.update({prefix + k: v for k, v in extra.items()})
    return browser.post(f"{app_url(person, application)}/steps/{s.id}/done", data)


def edit_application(browser, application, **fields):
    data = {
        "status": "preparing",
        "filed_on": "",
        "decided_on": "",
        "outcome": "",
        "forum": "",
        "lead_id": "",
        "lead_counsel_id": "",
        "notes": "",
        "version": str(application.version),
    }
    data.update(fields)
    return browser.post(f"/people/{application.person_id}/relief/{application.id}/edit", data)


def history(db, application) -> list[str]:
    return [
        e.summary
        for e in db.scalars(
            sa.select(ReliefEvent)
            .where(ReliefEvent.application_id == application.id)
            .order_by(ReliefEvent.id)
        )
    ]


def test_the_real_filing_day_moves_the_comment_period_and_files_the_application(staff, db, person):
    open_ma_pardon(staff, person)
    application = application_of(db, person)
    assert step(db, application, 5).due_on == date(2027, 3, 12)  # the template's guess: 75 + 42 days
    for position in (1, 2, 3):
        assert mark_done(staff, db, person, application, position, "2026-11-20").status_code == 302
    assert mark_done(staff, db, person, application, 4, FILED.isoformat()).status_code == 302

    application = application_of(db, person)
    assert application.filed_on == FILED and application.status == "filed"
    assert step(db, application, 5).due_on == date(2027, 1, 12)
    assert step(db, application, 6).due_on == date(2027, 2, 2)  # three weeks after the comment period
    lines = history(db, application)
    assert "Status changed from Preparing to Filed" in lines
    assert "Step 5 due 2027-03-12 → 2027-01-12: step 4 done on 2026-12-01" in lines
    page = staff.get(app_url(person, application))
    assert shows(page, "Why this date: 6 weeks after the filing on 2026-12-01")
    assert re.search(r"<dt>Filed on</dt>\s*<dd>2026-12-01</dd>", text_of(page))

    exported = json.loads(staff.get(f"/people/{person.id}/export.json").get_data(as_text=True))
    (relief,) = exported["relief_applications"]
    assert relief["filed_on"] == "2026-12-01" and relief["status"] == "filed"
    assert [s["due_on"] for s in relief["steps"]][4] == "2027-01-12"
    assert relief["steps"][4]["anchor"] == "filed" and relief["steps"][3]["milestone"] == "filing"


def test_typing_filed_on_moves_the_filing_step_and_every_date_counted_from_it(staff, db, person):
    open_ma_pardon(staff, person)
    application = application_of(db, person)
    response = edit_application(staff, application, status="filed", filed_on="2026-11-25")
    assert response.status_code == 302, text_of(response)
    application = application_of(db, person)
    assert step(db, application, 4).done_on == date(2026, 11, 25)
    assert step(db, application, 5).due_on == date(2027, 1, 6)
    assert edit_application(staff, application, status="filed", filed_on="2026-11-28").status_code == 302
    application = application_of(db, person)
    assert step(db, application, 4).done_on == date(2026, 11, 28)
    assert step(db, application, 5).due_on == date(2027, 1, 9)
    assert "Step 5 due 2027-01-06 → 2027-01-09: application edited: filing date" in history(db, application)


def test_reopening_the_filing_step_unfiles_the_application(staff, db, person):
    open_ma_pardon(staff, person)
    application = application_of(db, person)
    mark_done(staff, db, person, application, 4, FILED.isoformat())
    s = step(db, application, 4)
    reopen = staff.post(
        f"{app_url(person, application)}/steps/{s.id}/reopen", {f"step-{s.id}-version": str(s.version)}
    )
    assert reopen.status_code == 302
    application = application_of(db, person)
    assert application.filed_on is None and application.status == "preparing"
    assert step(db, application, 5).due_on == date(2027, 3, 12)


def test_a_date_set_by_hand_stays_put_until_given_back_to_the_rule(staff, db, person):
    open_ma_pardon(staff, person)
    application = application_of(db, person)
    comment = step(db, application, 5)
    edit_url = f"{app_url(person, application)}/steps/{comment.id}/edit"
    set_by_hand = {"title": comment.title, "due_on": "2027-02-01", "version": str(comment.version)}
    assert staff.post(edit_url, set_by_hand).status_code == 302
    mark_done(staff, db, person, application, 4, FILED.isoformat())
    assert step(db, application, 5).due_on == date(2027, 2, 1)  # the filing did not move it
    assert step(db, application, 6).due_on == date(2027, 2, 22)  # counted from the date set by hand
    page = staff.get(edit_url)
    assert shows(page, "set by hand; the rule gives 2027-01-12 (6 weeks after the filing on 2026-12-01)")
    comment = step(db, application, 5)
    back = {
        "title": comment.title,
        "due_on": "2027-02-01",
        "follow_rule": "y",
        "version": str(comment.version),
    }
    assert staff.post(edit_url, back).status_code == 302
    assert step(db, application, 5).due_on == date(2027, 1, 12)
    assert step(db, application, 5).due_override_on is None


def test_the_decision_step_asks_for_the_outcome_and_closes_the_application(staff, db, person):
    open_ma_pardon(staff, person)
    application = application_of(db, person)
    mark_done(staff, db, person, application, 4, FILED.isoformat())
    refused = mark_done(staff, db, person, application, 10, FILED.isoformat())
    assert refused.status_code == 302
    assert shows(staff.get(refused.location), "Step 10 is the decision: choose what was decided")
    assert step(db, application, 10).done_on is None
    assert (
        mark_done(staff, db, person, application, 10, FILED.isoformat(), outcome="granted").status_code == 302
    )
    application = application_of(db, person)
    assert application.status == "granted" and application.decided_on == FILED


def test_a_granted_application_has_no_open_deadline_anywhere(app, staff, db, person):
    open_ma_pardon(
        staff, person, opened_on="2026-09-01"
    )  # the first steps' dates are past, later ones to come
    application = application_of(db, person)
    assert shows(staff.get(app_url(person, application)), "overdue")
    assert "Sokha Mao" in text_of(staff.get("/due?window=30"))
    feed = re.search(r'/calendar/[^"]+\.ics', text_of(staff.post("/account/calendar", {"action": "create"})))
    assert b"Relief step" in staff.get(feed.group(0)).get_data()

    granted = edit_application(
        staff,
        application,
        status="granted",
        filed_on="2026-09-20",
        decided_on="2026-11-30",
        outcome="Pardoned",
    )
    assert granted.status_code == 302, text_of(granted)
    page = text_of(staff.get(app_url(person, application)))
    assert "overdue" not in page and "Not needed: the application was granted" in page
    assert "overdue" not in text_of(staff.get(f"/people/{person.id}"))
    assert "Sokha Mao" not in text_of(staff.get("/due?window=30"))
    assert "Sokha Mao" not in text_of(staff.get("/dashboard"))
    assert b"Relief step" not in staff.get(feed.group(0)).get_data()


def test_a_template_change_reaches_an_open_application_only_after_a_preview(login_as, db, person, org):
    admin = login_as("admin")
    template = db.add(
        ReliefTemplate(org_id=org.id, jurisdiction="MA", kind="parole_board_pardon", name="Ours")
    )
    db.add(ReliefTemplateStep(template_id=template.id, position=1, title="Gather records", offset_days=14))
    db.add(
        ReliefTemplateStep(
            template_id=template.id, position=2, title="File", anchor_position=1, offset_days=10
        )
    )
    opened = admin.post(
        f"/people/{person.id}/relief/new",
        {
            "kind": "parole_board_pardon",
            "jurisdiction": "MA",
            "template": str(template.id),
            "opened_on": OPENED,
        },
    )
    assert opened.status_code == 302
    application = application_of(db, person)
    assert step(db, application, 2).due_on == date(2026, 12, 9)
    second = db.scalar(
        sa.select(ReliefTemplateStep).where(
            ReliefTemplateStep.template_id == template.id, ReliefTemplateStep.position == 2
        )
    )
    edited = admin.post(
        f"/admin/relief-templates/{template.id}/steps/{second.id}/edit",
        {
            "title": "File",
            "anchor_position": "1",
            "offset_days": "20",
            "schedule": "offset",
            "milestone": "",
            "schedule_months": "",
            "notes": "",
            "version": str(second.version),
        },
    )
    assert edited.status_code == 302, text_of(edited)
    assert step(db, application, 2).due_on == date(2026, 12, 9)  # the open application did not move
    assert shows(admin.get(app_url(person, application)), "preview and apply the new revision")
    preview = text_of(admin.get(f"{app_url(person, application)}/template"))
    assert "2026-12-09" in preview and "2026-12-19" in preview and "moves" in preview
    assert step(db, application, 2).due_on == date(2026, 12, 9)  # a preview changes nothing
    applied = admin.post(f"{app_url(person, application)}/template", {})
    assert applied.status_code == 302
    assert step(db, application, 2).due_on == date(2026, 12, 19)
    assert application_of(db, person).template_revision == db.get(ReliefTemplate, template.id).revision
    assert any("template revision" in line for line in history(db, application))


# ---------------------------------------------------------------- the migration of existing applications


def _migration():
    path = Path(__file__).resolve().parent.parent / "migrations" / "versions" / "0010_relief_step_rules.py"
    spec = importlib.util.spec_from_file_location("migration_0010", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_gives_existing_steps_their_rules_and_dates_that_follow_what_happened(app, db, person):
    """An application opened before steps kept their rules: step 4 (the filing) done, "filed on" empty, step 5
    still at the template's guess, and a step added by hand."""
    ma = db.scalar(
        sa.select(ReliefTemplate).where(ReliefTemplate.org_id.is_(None), ReliefTemplate.jurisdiction == "MA")
    )
    template_steps = db.scalars(
        sa.select(ReliefTemplateStep)
        .where(ReliefTemplateStep.template_id == ma.id)
        .order_by(ReliefTemplateStep.position)
    )
    application = db.add(
        ReliefApplication(
            person_id=person.id,
            kind="parole_board_pardon",
            jurisdiction="MA",
            opened_on=date(2026, 11, 15),
            template_id=ma.id,
        )
    )
    old_due = {4: date(2027, 1, 29), 5: date(2027, 3, 12)}
    rows = [
        {
            "application_id": application.id,
            "position": s.position,
            "title": s.title,
            "due_on": old_due.get(s.position, date(2027, 6, 1)),
            "done_on": FILED if s.position == 4 else None,
            "version": 1,
            "created_at": datetime.now(UTC),
            "updated_at": datetime.now(UTC),
        }
        for s in template_steps
    ]
    rows.append(
        {**rows[-1], "position": 11, "title": "Ask the mayor for a letter", "due_on": date(2027, 2, 2)}
    )
    db.execute(
        sa.insert(ReliefStep.__table__).values(rows)
    )  # as the old code wrote them: no rule, no date by hand

    migration = _migration()
    from casework.extensions import db as sqla

    with app.app_context(), sqla.engine.begin() as conn:
        migration._copy_rules_into_applications(conn)
        migration._filed_when_the_filing_step_is_done(conn)
        migration._recompute_due_dates(conn)

    migrated = application_of(db, person)
    assert migrated.filed_on == FILED and migrated.status == "filed"
    assert migrated.template_revision == ma.revision
    comment = step(db, migrated, 5)
    assert comment.anchor == "filed" and comment.due_on == date(2027, 1, 12)
    assert step(db, migrated, 4).milestone == "filing"
    by_hand = step(db, migrated, 11)
    assert by_hand.anchor is None and by_hand.due_override_on == date(2027, 2, 2) == by_hand.due_on
