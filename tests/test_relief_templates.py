"""Relief templates: the built-in clocks, and the admins' own templates (steps, anchors, preview, copies)."""

import importlib.util
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from casework.models import AuditEvent, ReliefKind, ReliefTemplate, ReliefTemplateStep
from casework.relief.dates import template_due_dates
from tests.conftest import TODAY, shows, text_of

OPENED = date(2025, 1, 6)
SEED_MIGRATION = (
    Path(__file__).resolve().parent.parent / "migrations/versions/0003_builtin_relief_templates.py"
)


def ensure_builtin_templates(db) -> None:
    """Seed the built-in templates again when something emptied the table (`flask demo --reset` does)."""
    if db.count(ReliefTemplate, ReliefTemplate.org_id.is_(None)):
        return
    spec = importlib.util.spec_from_file_location("builtin_relief_templates", SEED_MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    for jurisdiction, kind, name, forum, description, steps in migration.TEMPLATES:
        template = db.add(
            ReliefTemplate(
                org_id=None,
                jurisdiction=jurisdiction,
                kind=kind,
                name=name,
                forum=forum,
                description=description,
                active=True,
            )
        )
        db.add(
            *[
                ReliefTemplateStep(
                    template_id=template.id,
                    position=position,
                    title=title,
                    anchor_position=anchor,
                    offset_days=offset,
                    schedule=schedule,
                    schedule_months=months,
                    notes=notes,
                )
                for position, (title, anchor, offset, schedule, months, notes) in enumerate(steps, start=1)
            ]
        )


@pytest.fixture(autouse=True)
def builtin_templates(db):
    """Every test here counts on the templates the migrations seed."""
    ensure_builtin_templates(db)


def builtin(db, jurisdiction, kind):
    """A built-in template (seeded by the migrations), with its steps."""
    template = db.scalar(
        sa.select(ReliefTemplate).where(
            ReliefTemplate.org_id.is_(None),
            ReliefTemplate.jurisdiction == jurisdiction,
            ReliefTemplate.kind == kind,
        )
    )
    steps = db.scalars(
        sa.select(ReliefTemplateStep)
        .where(ReliefTemplateStep.template_id == template.id)
        .order_by(ReliefTemplateStep.position)
    )
    return template, steps


def due_list(db, jurisdiction, kind, opened=OPENED):
    _, steps = builtin(db, jurisdiction, kind)
    due = template_due_dates(steps, opened)
    return [due[p].isoformat() for p in sorted(due)]


# ---------------------------------------------------------------- built-in clocks


def test_massachusetts_comment_period_is_six_weeks_after_filing(db):
    assert due_list(db, "MA", "parole_board_pardon") == [
        "2025-01-27",
        "2025-02-20",
        "2025-03-07",
        "2025-03-22",  # 4: petition filed, 75 days after opening
        "2025-05-03",  # 5: comment period ends, 42 days after filing
        "2025-05-24",
        "2025-07-02",
        "2025-08-31",
        "2025-10-30",
        "2025-11-29",
    ]
    _, steps = builtin(db, "MA", "parole_board_pardon")
    due = template_due_dates(steps, OPENED)
    assert "Comment period" in steps[4].title and due[5] - due[4] == timedelta(days=42)


def test_washington_hearing_falls_on_the_next_quarterly_sitting(db):
    # The steps come in date order: the notice and the materials before the hearing they count back from.
    assert due_list(db, "WA", "governor_pardon") == [
        "2025-01-27",
        "2025-02-20",
        "2025-03-07",  # 3: petition filed
        "2025-08-02",  # 4: prosecutor notified 30 days before the hearing
        "2025-08-18",  # 5: hearing materials sent 14 days before
        "2025-09-01",  # 6: hearing: 90 days after filing is June 5, so the September sitting
        "2025-10-01",
        "2025-12-30",
    ]


def test_washington_hearing_on_the_very_first_day_of_a_sitting_month(db):
    # opened on January 2: filing March 3, and 90 days later is exactly June 1, a sitting month
    dates = due_list(db, "WA", "governor_pardon", opened=date(2025, 1, 2))
    assert dates[2] == "2025-03-03" and dates[5] == "2025-06-01" and dates[3] == "2025-05-02"


def test_california_pardon_application_ten_days_after_notice_to_the_da(db):
    assert due_list(db, "CA", "governor_pardon") == [
        "2025-01-20",
        "2025-02-05",
        "2025-02-05",
        "2025-02-10",  # 4: notice of intent served on the District Attorney
        "2025-02-20",  # 5: application filed, ten days later (Penal Code §4804)
        "2025-03-22",
        "2025-06-20",
    ]


def test_other_built_in_templates(db):
    assert due_list(db, "CA", "certificate_of_rehabilitation") == [
        "2025-01-20",
        "2025-02-05",
        "2025-04-06",
        "2025-05-06",
        "2025-06-05",
    ]  # DA served 30 days before hearing
    assert due_list(db, "CA", "motion_to_vacate") == [
        "2025-01-27",
        "2025-02-20",
        "2025-03-07",
        "2025-03-07",
        "2025-05-06",
        "2025-05-20",
    ]
    assert due_list(db, "generic", None) == [
        "2025-01-20",
        "2025-02-05",
        "2025-02-20",
        "2025-04-06",
        "2025-06-20",
    ]


# ---------------------------------------------------------------- admin pages


@pytest.fixture
def admin(login_as):
    return login_as("admin")


def own_template(db, org, **fields):
    fields.setdefault("name", "Oregon: pardon petition")
    fields.setdefault("jurisdiction", "OR")
    return db.add(ReliefTemplate(org_id=org.id, **fields))


def add_steps(db, template, *specs):
    """specs: (title, anchor, offset) or (title, anchor, offset, schedule, months)."""
    for position, spec in enumerate(specs, start=1):
        title, anchor, offset, *rest = spec
        schedule, months = rest if rest else ("offset", None)
        db.add(
            ReliefTemplateStep(
                template_id=template.id,
                position=position,
                title=title,
                anchor_position=anchor,
                offset_days=offset,
                schedule=schedule,
                schedule_months=months,
            )
        )


def steps_of(db, template):
    return db.scalars(
        sa.select(ReliefTemplateStep)
        .where(ReliefTemplateStep.template_id == template.id)
        .order_by(ReliefTemplateStep.position)
    )


def step_form(**changes):
    data = {
        "title": "File the petition",
        "anchor_position": "",
        "offset_days": "30",
        "schedule": "offset",
        "schedule_months": "",
        "notes": "",
        "version": "1",  # read by the edit form only
    }
    data.update(changes)
    return data


def test_list_shows_built_in_and_own_templates_only(admin, db, org, make_org):
    own_template(db, org, name="Our Oregon steps")
    own_template(db, make_org("Elsewhere Legal"), name="Their secret steps")
    page = text_of(admin.get("/admin/relief-templates"))
    assert "Our Oregon steps" in page and "Massachusetts: pardon petition" in page
    assert "Their secret steps" not in page


def test_create_a_template_and_its_steps(admin, db):
    response = admin.post(
        "/admin/relief-templates/new",
        {
            "name": "Oregon: pardon",
            "jurisdiction": "OR",
            "kind": "governor_pardon",
            "forum": "Governor of Oregon",
            "description": "",
        },
    )
    template = db.scalar(sa.select(ReliefTemplate).where(ReliefTemplate.org_id.is_not(None)))
    assert response.headers["Location"] == f"/admin/relief-templates/{template.id}"
    assert template.org_id == admin.user.org_id and template.kind == ReliefKind.GOVERNOR_PARDON
    assert (
        admin.post(
            f"/admin/relief-templates/{template.id}/steps/new",
            step_form(title="Gather records", offset_days="14"),
        ).status_code
        == 302
    )
    assert (
        admin.post(
            f"/admin/relief-templates/{template.id}/steps/new",
            step_form(title="File", anchor_position="1", offset_days="-3"),
        ).status_code
        == 302
    )
    steps = steps_of(db, template)
    assert [(s.position, s.anchor_position, s.offset_days) for s in steps] == [(1, None, 14), (2, 1, -3)]
    actions = db.scalars(sa.select(AuditEvent.action).where(AuditEvent.object_type.like("relief_template%")))
    assert actions.count("relief_template.created") == 1 and actions.count("relief_template.step_added") == 2


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"title": ""}, "Type what has to be done"),
        (
            {"offset_days": "six weeks"},
            "Type a whole number of days, for example 42, or -30 for a step before its anchor.",
        ),
        ({"offset_days": ""}, "Type a whole number of days"),
        ({"offset_days": "40000"}, "Type a number of days between -3650 and 3650."),
        (
            {"schedule": "quarterly", "schedule_months": ""},
            "Type the months as numbers from 1 to 12 separated by commas",
        ),
        ({"schedule": "quarterly", "schedule_months": "3,6,13"}, "Type the months as numbers from 1 to 12"),
        ({"schedule": "weekly"}, "Choose one of the options in the list."),
        ({"anchor_position": "7"}, "Choose one of the options in the list."),  # a step that does not exist
    ],
)
def test_template_step_validation(admin, db, org, changes, message):
    template = own_template(db, org)
    add_steps(db, template, ("Gather records", None, 14))
    response = admin.post(f"/admin/relief-templates/{template.id}/steps/new", step_form(**changes))
    assert response.status_code == 200 and shows(response, message)
    assert len(steps_of(db, template)) == 1


def test_template_validation_messages(admin, db):
    response = admin.post("/admin/relief-templates/new", {"name": "", "jurisdiction": "XX"})
    assert shows(response, "Type a name, for example") and shows(
        response, "Choose one of the options in the list."
    )
    assert db.count(ReliefTemplate, ReliefTemplate.org_id.is_not(None)) == 0


def test_an_anchor_cycle_is_refused(admin, db, org):
    template = own_template(db, org)
    add_steps(db, template, ("Gather records", None, 14), ("File", 1, 10), ("Hearing", 2, 60))
    first = steps_of(db, template)[0]
    # step 1 counted from step 3, which is counted (through step 2) from step 1
    response = admin.post(
        f"/admin/relief-templates/{template.id}/steps/{first.id}/edit",
        step_form(title="Gather records", anchor_position="3", offset_days="5"),
    )
    assert response.status_code == 200
    assert shows(response, "a step cannot be counted from a step that is itself counted from it")
    assert steps_of(db, template)[0].anchor_position is None
    assert db.count(AuditEvent, AuditEvent.action == "relief_template.step_updated") == 0


def test_an_anchor_must_name_an_existing_step(app, db, org, make_user):
    from casework.errors import OperationError
    from casework.relief import operations

    template = own_template(db, org)
    add_steps(db, template, ("Gather records", None, 14))
    admin_user = make_user("admin")
    with app.test_request_context():
        from casework.extensions import db as _db

        template = _db.session.get(ReliefTemplate, template.id)
        actor = _db.session.get(type(admin_user), admin_user.id)
        with pytest.raises(OperationError, match="which does not exist: choose an existing step"):
            operations.add_template_step(
                actor,
                template,
                {
                    "title": "x",
                    "anchor_position": 5,
                    "offset_days": 1,
                    "schedule": "offset",
                    "schedule_months": None,
                    "notes": None,
                },
            )


def test_preview_shows_due_dates_for_an_application_opened_today(admin, db, org):
    template = own_template(db, org)
    add_steps(
        db,
        template,
        ("Gather records", None, 14),
        ("File", 1, 10),
        ("Notice", 4, -30),
        ("Hearing", 2, 90, "quarterly", "3,6,9,12"),
    )
    today = TODAY
    due = template_due_dates(steps_of(db, template), today)
    page = text_of(admin.get(f"/admin/relief-templates/{template.id}"))
    assert f'an application opened today, <time datetime="{today.isoformat()}">' in page
    for position in (1, 2, 3, 4):
        assert due[position].isoformat() in page
    assert "30 days before step 4" in page and "at least 90 days after step 2" in page
    assert (today + timedelta(days=24)).isoformat() == due[2].isoformat()


def test_built_in_templates_are_read_only_but_can_be_copied(admin, db):
    template, steps = builtin(db, "MA", "parole_board_pardon")
    assert admin.get(f"/admin/relief-templates/{template.id}").status_code == 200
    assert admin.get(f"/admin/relief-templates/{template.id}/edit").status_code == 403
    assert admin.post(f"/admin/relief-templates/{template.id}/steps/new", step_form()).status_code == 403
    assert admin.post(f"/admin/relief-templates/{template.id}/deactivate").status_code == 403
    assert admin.get(f"/admin/relief-templates/{template.id}/steps/{steps[0].id}/edit").status_code == 403
    response = admin.post(f"/admin/relief-templates/{template.id}/copy")
    copy = db.scalar(sa.select(ReliefTemplate).where(ReliefTemplate.org_id == admin.user.org_id))
    assert response.headers["Location"] == f"/admin/relief-templates/{copy.id}"
    assert copy.name.endswith("(copy)") and copy.kind == ReliefKind.PAROLE_BOARD_PARDON
    copied = steps_of(db, copy)
    assert [(s.title, s.anchor_position, s.offset_days) for s in copied] == [
        (s.title, s.anchor_position, s.offset_days) for s in steps
    ]
    assert len(builtin(db, "MA", "parole_board_pardon")[1]) == 10  # the original is untouched
    assert (
        db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "relief_template.copied")).object_id
        == copy.id
    )
    # the copy can be changed
    assert admin.get(f"/admin/relief-templates/{copy.id}/edit").status_code == 200


def test_another_organizations_template_does_not_exist(login_as, db, make_org):
    theirs = own_template(db, make_org("Elsewhere Legal"))
    add_steps(db, theirs, ("Gather records", None, 14))
    step = steps_of(db, theirs)[0]
    admin = login_as("admin")
    for url in (
        f"/admin/relief-templates/{theirs.id}",
        f"/admin/relief-templates/{theirs.id}/edit",
        f"/admin/relief-templates/{theirs.id}/steps/{step.id}/edit",
    ):
        assert admin.get(url).status_code == 404
    assert admin.post(f"/admin/relief-templates/{theirs.id}/copy").status_code == 404


def test_templates_are_for_admins_only(login_as, db, org):
    template = own_template(db, org)
    for role in ("staff", "volunteer", "attorney"):
        user = login_as(role)
        assert user.get("/admin/relief-templates").status_code == 403
        assert user.get(f"/admin/relief-templates/{template.id}").status_code == 403


def test_edit_template(admin, db, org):
    template = own_template(db, org)
    response = admin.post(
        f"/admin/relief-templates/{template.id}/edit",
        {
            "name": "Oregon: pardon (2026 rules)",
            "jurisdiction": "OR",
            "kind": "",
            "forum": "Governor",
            "description": "Two steps.",
            "version": str(template.version),
        },
    )
    assert response.status_code == 302
    saved = db.get(ReliefTemplate, template.id)
    assert saved.name == "Oregon: pardon (2026 rules)" and saved.kind is None and saved.forum == "Governor"
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "relief_template.updated"))
    assert set(event.field_list) == {"name", "forum", "description"}


def test_deactivated_template_is_not_offered(admin, db, org, make_person):
    template = own_template(db, org, name="Our Oregon steps")
    person = make_person()
    staff = admin
    assert "Our Oregon steps" in text_of(staff.get(f"/people/{person.id}/relief/new"))
    assert admin.post(f"/admin/relief-templates/{template.id}/deactivate").status_code == 302
    assert db.get(ReliefTemplate, template.id).active is False
    assert "Our Oregon steps" not in text_of(staff.get(f"/people/{person.id}/relief/new"))
    assert "Deactivated" in text_of(admin.get("/admin/relief-templates"))
    admin.post(f"/admin/relief-templates/{template.id}/activate")
    assert db.get(ReliefTemplate, template.id).active is True
    actions = db.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.action.like("relief_template.%activated"))
    )
    assert sorted(actions) == ["relief_template.activated", "relief_template.deactivated"]


def test_move_a_step_keeps_the_anchors_on_the_same_steps(admin, db, org):
    template = own_template(db, org)
    add_steps(db, template, ("Gather", None, 14), ("File", 1, 10), ("Hearing", 2, 60))
    before = template_due_dates(steps_of(db, template), OPENED)
    file_step = steps_of(db, template)[1]
    assert (
        admin.post(
            f"/admin/relief-templates/{template.id}/steps/{file_step.id}/move", {"direction": "up"}
        ).status_code
        == 302
    )
    steps = steps_of(db, template)
    assert [(s.title, s.anchor_position) for s in steps] == [("File", 2), ("Gather", None), ("Hearing", 1)]
    after = template_due_dates(steps, OPENED)
    assert (after[1], after[2], after[3]) == (before[2], before[1], before[3])
    # the first step cannot go further up
    response = admin.post(
        f"/admin/relief-templates/{template.id}/steps/{file_step.id}/move", {"direction": "up"}
    )
    assert response.status_code == 302 and steps_of(db, template)[0].title == "File"
    assert db.count(AuditEvent, AuditEvent.action == "relief_template.step_moved") == 1


def test_remove_a_step_needs_confirmation_and_no_dependants(admin, db, org):
    template = own_template(db, org)
    add_steps(db, template, ("Gather", None, 14), ("File", 1, 10), ("Letters", None, 20), ("Hearing", 2, 60))
    steps = steps_of(db, template)
    page = admin.get(f"/admin/relief-templates/{template.id}/steps/{steps[1].id}/delete")
    assert page.status_code == 200 and shows(page, "Remove step 2?")
    assert len(steps_of(db, template)) == 4  # GET only asks
    refused = admin.post(
        f"/admin/relief-templates/{template.id}/steps/{steps[1].id}/delete", follow_redirects=True
    )
    assert shows(refused, "Step 2 is the anchor of step 4: count it from another step first.")
    assert len(steps_of(db, template)) == 4
    admin.post(f"/admin/relief-templates/{template.id}/steps/{steps[2].id}/delete")
    left = steps_of(db, template)
    assert [(s.position, s.title, s.anchor_position) for s in left] == [
        (1, "Gather", None),
        (2, "File", 1),
        (3, "Hearing", 2),
    ]
    assert db.count(AuditEvent, AuditEvent.action == "relief_template.step_removed") == 1


def test_quarterly_months_are_normalized(admin, db, org):
    template = own_template(db, org)
    admin.post(
        f"/admin/relief-templates/{template.id}/steps/new",
        step_form(schedule="quarterly", schedule_months=" 12, 3,6 ,9,3", offset_days="90"),
    )
    assert steps_of(db, template)[0].schedule_months == "3,6,9,12"


def test_two_admins_editing_a_template_do_not_overwrite_each_other(admin, login_as, db, org):
    template = own_template(db, org)
    add_steps(db, template, ("Gather records", None, 14))
    step = steps_of(db, template)[0]
    other = login_as("admin")
    form = {
        "name": "First admin's name",
        "jurisdiction": "OR",
        "kind": "",
        "forum": "",
        "description": "",
        "version": str(template.version),
    }
    assert other.post(f"/admin/relief-templates/{template.id}/edit", form).status_code == 302
    response = admin.post(
        f"/admin/relief-templates/{template.id}/edit", dict(form, name="Second admin's name")
    )
    assert response.status_code == 200 and shows(response, "Another admin saved this template")
    assert shows(response, "Second admin's name")  # what was typed is kept
    assert db.get(ReliefTemplate, template.id).name == "First admin's name"

    url = f"/admin/relief-templates/{template.id}/steps/{step.id}/edit"
    assert (
        other.post(url, step_form(title="Gather court records", version=str(step.version))).status_code == 302
    )
    response = admin.post(url, step_form(title="Gather every record", version=str(step.version)))
    assert shows(response, "Another admin saved this template")
    assert steps_of(db, template)[0].title == "Gather court records"
