"""Relief applications: opening one from a template, editing it, its history, deleting it, who may do what."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from casework.models import (
    AuditEvent,
    Contact,
    ContactKind,
    Conviction,
    CounselRole,
    ReliefApplication,
    ReliefCounsel,
    ReliefEvent,
    ReliefStatus,
    ReliefStep,
    ReliefTemplate,
    ReliefTemplateStep,
    relief_conviction,
)
from casework.relief.schedule import Due, State
from tests.conftest import TODAY, shows, statements_sent, text_of
from tests.test_relief_templates import builtin_templates  # noqa: F401  (autouse: the seeded templates)

OPENED = "2025-01-06"
TOMORROW = (TODAY + timedelta(days=1)).isoformat()


def open_form(**changes):
    data = {
        "kind": "parole_board_pardon",
        "jurisdiction": "MA",
        "forum": "",
        "template": "best",
        "opened_on": OPENED,
        "lead_id": "",
        "lead_counsel_id": "",
        "notes": "",
    }
    data.update(changes)
    return data


def the_application(db):
    return db.scalar(sa.select(ReliefApplication))


def steps_of(db, application):
    return db.scalars(
        sa.select(ReliefStep).where(ReliefStep.application_id == application.id).order_by(ReliefStep.position)
    )


def events_of(db, application):
    return db.scalars(
        sa.select(ReliefEvent).where(ReliefEvent.application_id == application.id).order_by(ReliefEvent.id)
    )


def target_ids(db, application):
    with db.app.app_context():
        from casework.extensions import db as _db

        return sorted(
            _db.session.scalars(
                sa.select(relief_conviction.c.conviction_id).where(
                    relief_conviction.c.application_id == application.id
                )
            )
        )


@pytest.fixture
def person(make_person):
    return make_person(legal_name="Vuthy Sorn", state="MA")


@pytest.fixture
def convictions(db, person):
    return [
        db.add(
            Conviction(
                person_id=person.id,
                offense="Unlawful possession of a firearm",
                state="MA",
                county="Middlesex",
                conviction_date=date(2003, 5, 2),
                docket_number="0381CR1234",
            )
        ),
        db.add(
            Conviction(
                person_id=person.id,
                offense="Receiving stolen property",
                state="MA",
                conviction_date=date(2001, 1, 9),
            )
        ),
    ]


# ---------------------------------------------------------------- opening


def test_open_from_the_best_matching_template(login_as, db, person, convictions, make_user, org):
    staff = login_as("staff")
    lead = make_user("volunteer", name="Grace Ellison")
    attorney = db.add(
        Contact(
            org_id=org.id,
            name="Dana Whitcombe",
            organization="Whitcombe Pro Bono LLP",
            kind=ContactKind.POST_CONVICTION_ATTORNEY,
        )
    )
    form = staff.get(f"/people/{person.id}/relief/new")
    html = text_of(form)
    assert (
        "Best match for the kind and jurisdiction chosen above" in html
        and "No steps: I will add them" in html
    )
    assert '<option selected value="MA">' in html  # the person lives in Massachusetts
    response = staff.post(
        f"/people/{person.id}/relief/new",
        open_form(
            convictions=[str(convictions[0].id)],
            lead_id=str(lead.id),
            lead_counsel_id=str(attorney.id),
            notes="SENTINEL-NOTE",
        ),
    )
    application = the_application(db)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/people/{person.id}/relief/{application.id}"
    template = db.scalar(sa.select(ReliefTemplate).where(ReliefTemplate.jurisdiction == "MA"))
    assert application.template_id == template.id and application.status == ReliefStatus.PREPARING
    # the forum comes from the template when the field was left empty
    assert application.forum.startswith("Massachusetts Parole Board")
    assert application.opened_on == date(2025, 1, 6) and application.lead_id == lead.id
    (counsel,) = db.scalars(sa.select(ReliefCounsel).where(ReliefCounsel.application_id == application.id))
    assert (counsel.contact_id, counsel.role) == (attorney.id, CounselRole.LEAD)
    assert target_ids(db, application) == [convictions[0].id]
    steps = steps_of(db, application)
    assert [s.position for s in steps] == list(range(1, 11))
    assert steps[3].title == "File the petition with the Parole Board" and steps[3].due_on == date(
        2025, 3, 22
    )
    assert steps[4].due_on == date(2025, 5, 3)  # comment period: six weeks after filing
    assert steps[4].notes.startswith("Ask the District Attorney early")
    assert all(s.done_on is None and s.assignee_id is None for s in steps)
    (created,) = events_of(db, application)
    assert (
        created.kind == "created" and created.actor_id == staff.user.id and created.to_status == "preparing"
    )
    assert "10 steps" in created.summary
    audit = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "relief.created"))
    assert audit.person_id == person.id and audit.object_id == application.id
    assert {
        "kind",
        "jurisdiction",
        "opened_on",
        "lead_id",
        "counsel",
        "notes",
        "convictions",
        "template_id",
    } <= set(audit.field_list)
    columns = [getattr(audit, c.key) for c in sa.inspect(AuditEvent).columns]
    assert not any(isinstance(v, str) and "SENTINEL" in v for v in columns)


def test_best_match_falls_back_to_the_generic_template(login_as, db, person):
    staff = login_as("staff")
    staff.post(f"/people/{person.id}/relief/new", open_form(kind="commutation", jurisdiction="NY"))
    application = the_application(db)
    template = db.get(ReliefTemplate, application.template_id)
    assert template.jurisdiction == "generic" and len(steps_of(db, application)) == 5
    assert application.forum is None  # the generic template names no forum


def test_best_match_prefers_the_organizations_own_template(login_as, db, person, org):
    own = db.add(
        ReliefTemplate(org_id=org.id, jurisdiction="MA", kind="parole_board_pardon", name="Our MA steps")
    )
    db.add(ReliefTemplateStep(template_id=own.id, position=1, title="Call the family", offset_days=3))
    staff = login_as("staff")
    page = text_of(staff.post(f"/people/{person.id}/relief/new", open_form(kind="")))  # invalid: shown again
    assert "Our MA steps (your organization)" in page
    staff.post(f"/people/{person.id}/relief/new", open_form())
    application = the_application(db)
    assert application.template_id == own.id
    assert [(s.title, s.due_on) for s in steps_of(db, application)] == [("Call the family", date(2025, 1, 9))]


def test_open_with_a_chosen_template_or_with_no_steps(login_as, db, person):
    ca = db.scalar(
        sa.select(ReliefTemplate).where(
            ReliefTemplate.jurisdiction == "CA", ReliefTemplate.kind == "motion_to_vacate"
        )
    )
    staff = login_as("staff")
    staff.post(f"/people/{person.id}/relief/new", open_form(kind="motion_to_vacate", template=str(ca.id)))
    staff.post(f"/people/{person.id}/relief/new", open_form(template="none", forum="Governor's Council"))
    first, second = db.scalars(sa.select(ReliefApplication).order_by(ReliefApplication.id))
    assert first.template_id == ca.id and len(steps_of(db, first)) == 6
    assert second.template_id is None and steps_of(db, second) == [] and second.forum == "Governor's Council"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"kind": ""}, "Choose the kind of relief."),
        ({"kind": "amnesty"}, "Choose one of the options in the list."),
        ({"jurisdiction": ""}, "Choose the state whose authorities decide, or Federal."),
        ({"jurisdiction": "ZZ"}, "Choose one of the options in the list."),
        ({"opened_on": ""}, "Type the date the work started, as YYYY-MM-DD."),
        ({"opened_on": "06/01/2025"}, "Type the date as YYYY-MM-DD, for example 2009-04-30."),
        (
            {"opened_on": TOMORROW},
            "The opening date cannot be in the future; type a date on or before today.",
        ),
        ({"template": "999999"}, "Choose one of the options in the list."),
        ({"lead_id": "999999"}, "Choose one of the options in the list."),
        ({"lead_id": "abc"}, "Choose one of the options in the list."),
        ({"lead_counsel_id": "999999"}, "Choose one of the options in the list."),
        ({"convictions": ["999999"]}, "Tick only the convictions listed here."),
        ({"forum": "x" * 201}, "Keep this under 200 characters."),
    ],
)
def test_open_validation_messages(login_as, db, person, convictions, changes, message):
    staff = login_as("staff")
    response = staff.post(f"/people/{person.id}/relief/new", open_form(**changes))
    assert response.status_code == 200 and shows(response, message)
    assert db.count(ReliefApplication) == 0 and db.count(ReliefStep) == 0


def test_only_the_cases_own_people_and_attorneys_can_be_chosen(
    login_as, db, person, make_user, make_org, make_person, org
):
    other_org = make_org("Elsewhere Legal")
    outsider = make_user("staff", org=other_org)
    gone = make_user("volunteer", active=False)
    prosecutor = db.add(Contact(org_id=org.id, name="ADA Pat Rowe", kind=ContactKind.PROSECUTOR))
    their_attorney = db.add(
        Contact(org_id=other_org.id, name="Sam Ortiz", kind=ContactKind.IMMIGRATION_ATTORNEY)
    )
    their_template = db.add(ReliefTemplate(org_id=other_org.id, jurisdiction="MA", name="Theirs"))
    someone_else = make_person()
    their_conviction = db.add(Conviction(person_id=someone_else.id, offense="Theft"))
    staff = login_as("staff")
    for changes in (
        {"lead_id": str(outsider.id)},
        {"lead_id": str(gone.id)},
        {"lead_counsel_id": str(prosecutor.id)},
        {"lead_counsel_id": str(their_attorney.id)},
        {"template": str(their_template.id)},
        {"convictions": [str(their_conviction.id)]},
    ):
        assert staff.post(f"/people/{person.id}/relief/new", open_form(**changes)).status_code == 200
    assert db.count(ReliefApplication) == 0
    page = text_of(staff.get(f"/people/{person.id}/relief/new"))
    assert "Theirs" not in page and "Sam Ortiz" not in page and "ADA Pat Rowe" not in page


# ---------------------------------------------------------------- editing


@pytest.fixture
def application(db, person):
    return db.add(
        ReliefApplication(
            person_id=person.id, kind="governor_pardon", jurisdiction="MA", opened_on=date(2025, 1, 6)
        )
    )


def edit_form(application, **changes):
    data = {
        "status": "preparing",
        "filed_on": "",
        "decided_on": "",
        "outcome": "",
        "forum": "",
        "lead_id": "",
        "notes": "",
        "version": str(application.version),
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "changes, message",
    [
        (
            {"status": "filed"},
            "Type the date the application was filed, as YYYY-MM-DD: the status “Filed” means it was filed.",
        ),
        ({"status": "hearing_scheduled"}, "the status “Hearing scheduled” means it was filed."),
        (
            {"status": "granted", "filed_on": "2025-02-01"},
            "Type the date of the decision, as YYYY-MM-DD: the application was granted.",
        ),
        ({"status": "denied", "filed_on": "2025-02-01"}, "the application was denied."),
        (
            {"status": "denied", "filed_on": "2025-03-01", "decided_on": "2025-02-01"},
            "The decision date cannot be before the filing date; check both dates.",
        ),
        (
            {"status": "filed", "filed_on": TOMORROW},
            "The filing date cannot be in the future; type a date on or before today.",
        ),
        (
            {"status": "granted", "filed_on": "2025-02-01", "decided_on": TOMORROW},
            "The decision date cannot be in the future; type a date on or before today.",
        ),
        (
            {"status": "filed", "filed_on": "2024-12-31"},
            "The filing date cannot be before the application was opened (2025-01-06); check the date.",
        ),
        (
            {"status": "withdrawn", "decided_on": "2024-12-31"},
            "The decision date cannot be before the application was opened (2025-01-06); check the date.",
        ),
        (
            {"status": "preparing", "filed_on": "2025-02-01"},
            (
                "An application still being prepared has no filing date: clear the date, or choose the "
                "status “Filed”."
            ),
        ),
        (
            {"status": "under_review", "filed_on": "2025-02-01", "decided_on": "2025-03-01"},
            "Only a granted, denied or withdrawn application has a decision date",
        ),
        ({"status": "approved"}, "Choose one of the options in the list."),
        (
            {"status": "filed", "filed_on": "1 Feb 2025"},
            "Type the date as YYYY-MM-DD, for example 2009-04-30.",
        ),
        ({"outcome": "x" * 4001}, "Keep the outcome under 4,000 characters."),
        ({"version": ""}, "The form is missing its version; reload the page and try again."),
    ],
)
def test_edit_validation_messages(login_as, db, person, application, changes, message):
    staff = login_as("staff")
    response = staff.post(
        f"/people/{person.id}/relief/{application.id}/edit", edit_form(application, **changes)
    )
    assert response.status_code == 200 and shows(response, message)
    saved = db.get(ReliefApplication, application.id)
    assert (
        saved.status == ReliefStatus.PREPARING
        and saved.filed_on is None
        and saved.version == application.version
    )
    assert db.count(ReliefEvent) == 0 and db.count(AuditEvent, AuditEvent.action == "relief.updated") == 0


def test_withdrawn_needs_no_filing_date(login_as, db, person, application):
    staff = login_as("staff")
    response = staff.post(
        f"/people/{person.id}/relief/{application.id}/edit", edit_form(application, status="withdrawn")
    )
    assert response.status_code == 302
    assert db.get(ReliefApplication, application.id).status == ReliefStatus.WITHDRAWN


def test_status_history(login_as, db, person, application):
    staff = login_as("staff", name="Marisol Quint")
    url = f"/people/{person.id}/relief/{application.id}/edit"
    assert staff.post(url, edit_form(application, status="filed", filed_on="2025-03-01")).status_code == 302
    current = db.get(ReliefApplication, application.id)
    assert (
        staff.post(
            url,
            edit_form(
                current,
                status="granted",
                filed_on="2025-03-01",
                decided_on="2025-09-15",
                outcome="Full and unconditional pardon",
            ),
        ).status_code
        == 302
    )
    saved = db.get(ReliefApplication, application.id)
    assert saved.status == ReliefStatus.GRANTED and saved.decided_on == date(2025, 9, 15)
    status_events = [e for e in events_of(db, application) if e.kind == "status"]
    assert [(e.from_status, e.to_status, e.actor_id) for e in status_events] == [
        ("preparing", "filed", staff.user.id),
        ("filed", "granted", staff.user.id),
    ]
    assert status_events[1].summary == "Status changed from Filed to Granted"
    assert all(e.at is not None for e in status_events)
    page = text_of(staff.get(f"/people/{person.id}/relief/{application.id}"))
    history = page[page.index('id="history"') :]
    assert history.index("from Filed to Granted") < history.index("from Preparing to Filed")  # newest first
    assert "Marisol Quint" in history and "Details changed: filing date" in history
    audits = db.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "relief.updated").order_by(AuditEvent.id)
    )
    assert set(audits[0].field_list) == {"status", "filed_on"}
    assert set(audits[1].field_list) == {"status", "decided_on", "outcome"}


def test_edit_people_and_convictions(login_as, db, person, application, convictions, make_user, org):
    lead = make_user("attorney", name="Noor Haddad")
    staff = login_as("staff")
    form = text_of(staff.get(f"/people/{person.id}/relief/{application.id}/edit"))
    assert "Unlawful possession of a firearm — MA, Middlesex, 2003 (docket 0381CR1234)" in form
    response = staff.post(
        f"/people/{person.id}/relief/{application.id}/edit",
        edit_form(
            application,
            lead_id=str(lead.id),
            convictions=[str(c.id) for c in convictions],
        ),
    )
    assert response.status_code == 302
    saved = db.get(ReliefApplication, application.id)
    assert saved.lead_id == lead.id
    assert target_ids(db, application) == sorted(c.id for c in convictions)
    page = text_of(staff.get(f"/people/{person.id}/relief/{application.id}"))
    assert "Noor Haddad" in page and "Receiving stolen property" in page
    # only the convictions change: the row still moves to a new version, so a stale form is refused later
    staff.post(
        f"/people/{person.id}/relief/{application.id}/edit",
        edit_form(
            saved,
            lead_id=str(lead.id),
            convictions=[str(convictions[0].id)],
        ),
    )
    again = db.get(ReliefApplication, application.id)
    assert again.version == saved.version + 1 and target_ids(db, application) == [convictions[0].id]
    event = db.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "relief.updated").order_by(AuditEvent.id)
    )[-1]
    assert event.field_list == ["convictions"]


def test_edit_conflict_keeps_both_changes_apart(login_as, db, person, application):
    alice, bob = login_as("staff"), login_as("staff")
    url = f"/people/{person.id}/relief/{application.id}/edit"
    assert alice.get(url).status_code == 200 and bob.get(url).status_code == 200
    assert alice.post(url, edit_form(application, status="filed", filed_on="2025-02-03")).status_code == 302
    response = bob.post(url, edit_form(application, forum="Governor's Council", notes="Bob typed this"))
    html = text_of(response)
    assert response.status_code == 200
    assert "Someone else saved this application while you were editing" in html
    assert 'value="Governor&#39;s Council"' in html and "Bob typed this" in html  # kept what Bob typed
    assert "Saved by someone else meanwhile: <strong>Filed</strong>" in html
    saved = db.get(ReliefApplication, application.id)
    assert saved.status == ReliefStatus.FILED and saved.forum is None and saved.notes is None
    assert db.count(AuditEvent, AuditEvent.action == "relief.updated") == 1
    # saving again, informed, from the version now shown
    assert (
        bob.post(
            url, edit_form(saved, status="filed", filed_on="2025-02-03", forum="Governor's Council")
        ).status_code
        == 302
    )
    assert db.get(ReliefApplication, application.id).forum == "Governor's Council"


# ---------------------------------------------------------------- deleting


def test_delete_needs_confirmation_and_manage(login_as, make_user, db, person, application):
    db.add(ReliefStep(application_id=application.id, position=1, title="Gather records"))
    db.add(ReliefEvent(application_id=application.id, kind="created", summary="Application opened"))
    volunteer = make_user("volunteer")
    from casework.models import CaseAssignment

    db.add(CaseAssignment(person_id=person.id, user_id=volunteer.id))
    url = f"/people/{person.id}/relief/{application.id}/delete"
    helper = login_as(volunteer)
    assert helper.get(url).status_code == 403 and helper.post(url).status_code == 403
    assert "Delete…" not in text_of(helper.get(f"/people/{person.id}/relief/{application.id}"))
    staff = login_as("staff")
    page = staff.get(url)
    assert page.status_code == 200 and shows(page, "Delete this application?")
    assert db.count(ReliefApplication) == 1
    response = staff.post(url)
    assert response.status_code == 302 and response.headers["Location"] == f"/people/{person.id}#relief"
    assert db.count(ReliefApplication) == 0 and db.count(ReliefStep) == 0 and db.count(ReliefEvent) == 0
    audit = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "relief.deleted"))
    assert audit.object_id == application.id and audit.person_id == person.id


def test_delete_keeps_the_convictions(login_as, db, person, application, convictions):
    staff = login_as("staff")
    staff.post(
        f"/people/{person.id}/relief/{application.id}/edit",
        edit_form(application, convictions=[str(c.id) for c in convictions]),
    )
    staff.post(f"/people/{person.id}/relief/{application.id}/delete")
    assert db.count(ReliefApplication) == 0 and db.count(Conviction) == 2


# ---------------------------------------------------------------- access


def test_volunteer_not_assigned_gets_404(login_as, db, person, application):
    volunteer = login_as("volunteer")
    for url in (
        f"/people/{person.id}/relief/new",
        f"/people/{person.id}/relief/{application.id}",
        f"/people/{person.id}/relief/{application.id}/edit",
    ):
        assert volunteer.get(url).status_code == 404
    assert volunteer.post(f"/people/{person.id}/relief/new", open_form()).status_code == 404
    assert db.count(ReliefApplication) == 1


def test_partner_with_a_view_share_reads_but_cannot_change(
    login_as, make_user, make_org, share_case, db, person, application
):
    partner = make_user("staff", org=make_org("Partner Firm LLP"))
    share_case(person, user=partner, level="view")
    b = login_as(partner)
    page = b.get(f"/people/{person.id}/relief/{application.id}")
    assert page.status_code == 200 and "Edit the application" not in text_of(page)
    assert "Mark done" not in text_of(page)
    assert b.get(f"/people/{person.id}/relief/new").status_code == 403
    assert b.post(f"/people/{person.id}/relief/new", open_form()).status_code == 403
    assert (
        b.post(
            f"/people/{person.id}/relief/{application.id}/edit", edit_form(application, status="withdrawn")
        ).status_code
        == 403
    )
    assert b.post(f"/people/{person.id}/relief/{application.id}/delete").status_code == 403
    assert "Open an application" not in text_of(b.get(f"/people/{person.id}"))
    assert db.get(ReliefApplication, application.id).status == ReliefStatus.PREPARING


def test_partner_with_an_edit_share_uses_its_own_templates_and_the_owners_people(
    login_as, make_user, make_org, share_case, db, person, org
):
    partner_org = make_org("Partner Firm LLP")
    partner = make_user("staff", org=partner_org, name="Imre Vasko")
    make_user("volunteer", name="Grace Ellison")
    db.add(ReliefTemplate(org_id=partner_org.id, jurisdiction="MA", name="Partner checklist"))
    share_case(person, user=partner, level="edit")
    page = text_of(login_as(partner).get(f"/people/{person.id}/relief/new")).split('id="main"')[1]
    assert "Partner checklist" in page and "Grace Ellison" in page and "Imre Vasko" not in page


def test_an_application_of_another_case_is_not_found(login_as, db, person, application, make_person):
    other = make_person()
    staff = login_as("staff")
    assert staff.get(f"/people/{other.id}/relief/{application.id}").status_code == 404
    assert staff.get(f"/people/{other.id}/relief/{application.id}/edit").status_code == 404
    assert staff.post(f"/people/{other.id}/relief/{application.id}/delete").status_code == 404
    assert staff.get(f"/people/{person.id}/relief/999999").status_code == 404


def test_reading_an_application_is_audited(login_as, db, person, application):
    staff = login_as("staff")
    staff.get(f"/people/{person.id}/relief/{application.id}")
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "relief.viewed"))
    assert (
        event.object_id == application.id and event.person_id == person.id and event.actor_id == staff.user.id
    )


# ---------------------------------------------------------------- the case page


def test_case_page_section_glance_and_timeline(login_as, db, person, make_user):
    today = TODAY
    pardon = db.add(
        ReliefApplication(
            person_id=person.id,
            kind="governor_pardon",
            jurisdiction="MA",
            status="filed",
            opened_on=today - timedelta(days=200),
            filed_on=today - timedelta(days=100),
        )
    )
    vacate = db.add(
        ReliefApplication(
            person_id=person.id,
            kind="motion_to_vacate",
            jurisdiction="CA",
            status="granted",
            opened_on=today - timedelta(days=400),
            filed_on=today - timedelta(days=300),
            decided_on=today - timedelta(days=30),
        )
    )
    db.add(
        ReliefStep(
            application_id=pardon.id,
            position=1,
            title="Gather records",
            due_on=today - timedelta(days=150),
            done_on=today - timedelta(days=160),
        ),
        ReliefStep(
            application_id=pardon.id,
            position=2,
            title="Ask the DA for a letter",
            due_on=today - timedelta(days=2),
        ),
        ReliefStep(application_id=pardon.id, position=3, title="Hearing", due_on=today + timedelta(days=60)),
    )
    staff = login_as("staff")
    html = text_of(staff.get(f"/people/{person.id}"))
    section = html[html.index('<section class="panel relief" id="relief">') :]
    section = section[: section.index("</section>")]
    assert (
        f"/people/{person.id}/relief/{pardon.id}" in section
        and f"/people/{person.id}/relief/{vacate.id}" in section
    )
    assert "1/3 steps" in section and "Ask the DA for a letter" in section and "overdue" in section
    assert "Open an application" in section
    assert "Governor&#39;s pardon — filed" in html and "Motion to vacate — granted" in html
    due = (today - timedelta(days=2)).isoformat()
    assert f"Ask the DA for a letter — due {due}" in html
    timeline = html[html.index('id="timeline"') :]
    for text in (
        "Governor&#39;s pardon: application opened",
        "Governor&#39;s pardon: filed",
        "Motion to vacate: granted",
        "Governor&#39;s pardon: step done — Gather records",
    ):
        assert text in timeline


def test_case_section_glance_and_timeline_functions(app, db, person):
    from casework.relief.sections import _section_glance, _section_timeline

    today = TODAY
    application = ReliefApplication(
        id=1,
        person_id=person.id,
        kind="governor_pardon",
        jurisdiction="MA",
        status=ReliefStatus.FILED,
        opened_on=date(2025, 1, 6),
        filed_on=date(2025, 3, 1),
    )
    step = ReliefStep(position=4, title="Hearing", due_on=today + timedelta(days=3))
    context = {
        "rows": [
            {
                "application": application,
                "done": 0,
                "total": 1,
                "closed": False,
                "next_step": step,
                "next_due": Due(4, State.OPEN, step.due_on, step.due_on, None, "set by hand"),
                "overdue": False,
            }
        ],
        "today": today,
    }
    glances = _section_glance(context)
    assert (glances[0].label, glances[0].value) == ("Relief", "Governor's pardon — filed")
    assert (
        glances[1].label == "Next relief step" and glances[1].day == step.due_on and glances[1].tone == "warn"
    )
    assert [(e.day, e.text) for e in _section_timeline(context)] == [
        (date(2025, 1, 6), "Governor's pardon: application opened"),
        (date(2025, 3, 1), "Governor's pardon: filed"),
    ]


def test_due_dates_beyond_the_calendar_are_refused(login_as, db, person, org):
    own = db.add(ReliefTemplate(org_id=org.id, jurisdiction="MA", kind="parole_board_pardon", name="Ours"))
    db.add(ReliefTemplateStep(template_id=own.id, position=1, title="Notice", offset_days=-30))
    staff = login_as("staff")
    response = staff.post(f"/people/{person.id}/relief/new", open_form(opened_on="0001-01-10"))
    assert response.status_code == 200
    # every date typed lies within 1800..2199 (casework.forms.DayField), so no rule can leave the calendar
    assert shows(response, "Type a date between 1800-01-01 and 2199-12-31.")
    assert (
        db.count(ReliefApplication) == 0 and db.count(AuditEvent, AuditEvent.action == "relief.created") == 0
    )


def test_the_case_section_loads_in_a_fixed_number_of_queries(app, db, person, make_user):
    from casework.relief.sections import SECTION

    assignee = make_user("volunteer")

    def queries_for_section() -> int:
        with app.test_request_context():
            from casework.extensions import db as _db
            from casework.models import Person

            loaded = _db.session.get(Person, person.id)
            with statements_sent(app) as statements:
                context = SECTION.load_alone(loaded, None)
                [row["next_step"] and row["next_step"].assignee for row in context["rows"]]
            return len(statements)

    def add_application():
        application = db.add(ReliefApplication(person_id=person.id, kind="commutation", jurisdiction="MA"))
        for position in (1, 2):
            db.add(
                ReliefStep(
                    application_id=application.id,
                    position=position,
                    title="Step",
                    due_on=TODAY,
                    assignee_id=assignee.id,
                )
            )

    add_application()
    one = queries_for_section()
    add_application()
    add_application()
    assert (
        queries_for_section() == one == 1
    )  # applications, steps, counsel, support, whom they name: one read
