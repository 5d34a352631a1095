"""Routes of relief applications on a case, their steps, counsel, prosecutor's position and records of support,
and the admins' relief templates."""

import sqlalchemy as sa

from casework.models import (
    Contact,
    ReliefApplication,
    ReliefCounsel,
    ReliefStep,
    ReliefTemplate,
    ReliefTemplateStep,
    SupportRecord,
)
from tests.authz.common import ADMIN_ONLY, ADMIN_OWN_ORG, CASE_DELETE, CASE_EDIT, CASE_MANAGE, CASE_VIEW

APP = "/people/{person}/relief/{relief_app}"
STEP = APP + "/steps/{relief_step}"
OWN = "/admin/relief-templates/{relief_template}"  # a template of organization A: other_admin gets 404

ROUTES = {
    "relief.new": ("GET", "/people/{person}/relief/new", CASE_EDIT),
    "relief.show": ("GET", APP, CASE_VIEW),
    "relief.edit": ("GET", APP + "/edit", CASE_EDIT),
    "relief.delete": ("GET", APP + "/delete", CASE_MANAGE),
    "relief.add_step": ("POST", APP + "/steps", CASE_EDIT),
    "relief.edit_step": ("GET", STEP + "/edit", CASE_EDIT),
    "relief.step_done": ("POST", STEP + "/done", CASE_EDIT),
    "relief.step_reopen": ("POST", STEP + "/reopen", CASE_EDIT),
    "relief.step_note": ("POST", STEP + "/note", CASE_EDIT),
    "relief.step_assign": ("POST", STEP + "/assign", CASE_EDIT),
    # counsel, the prosecutor's position and records of support: the application's edit rule
    "relief.add_counsel": ("POST", APP + "/counsel", CASE_EDIT),
    "relief.remove_counsel": ("GET", APP + "/counsel/{relief_counsel}/remove", CASE_EDIT),
    "relief.prosecutor": ("GET", APP + "/prosecutor", CASE_EDIT),
    "relief.new_support": ("GET", APP + "/support/new", CASE_EDIT),
    "relief.edit_support": ("GET", APP + "/support/{relief_support}/edit", CASE_EDIT),
    "relief.delete_support": ("GET", APP + "/support/{relief_support}/delete", CASE_EDIT),
    # applying a template's newer revision: admins of the owning organization
    "relief.template_revision": ("GET", APP + "/template", CASE_DELETE),
    "relief.templates": ("GET", "/admin/relief-templates", ADMIN_ONLY),
    "relief.new_template": ("GET", "/admin/relief-templates/new", ADMIN_ONLY),
    "relief.template": ("GET", OWN, ADMIN_OWN_ORG),
    "relief.edit_template": ("GET", OWN + "/edit", ADMIN_OWN_ORG),
    # built-in templates are offered to every organization: both admins may copy one
    "relief.copy_template": ("POST", "/admin/relief-templates/{relief_builtin}/copy", ADMIN_ONLY),
    "relief.deactivate_template": ("POST", OWN + "/deactivate", ADMIN_OWN_ORG),
    "relief.activate_template": ("POST", OWN + "/activate", ADMIN_OWN_ORG),
    "relief.new_template_step": ("GET", OWN + "/steps/new", ADMIN_OWN_ORG),
    "relief.edit_template_step": ("GET", OWN + "/steps/{relief_template_step}/edit", ADMIN_OWN_ORG),
    "relief.delete_template_step": ("GET", OWN + "/steps/{relief_template_step}/delete", ADMIN_OWN_ORG),
    "relief.move_template_step": ("POST", OWN + "/steps/{relief_template_step}/move", ADMIN_OWN_ORG),
}


def setup(db, users, ids):
    """An application with one step on the scenario's case, and a template of organization A with one step."""
    from tests.test_relief_templates import ensure_builtin_templates

    ensure_builtin_templates(db)
    application = db.add(
        ReliefApplication(person_id=ids["person"], kind="governor_pardon", jurisdiction="MA")
    )
    step = db.add(ReliefStep(application_id=application.id, position=1, title="Gather court records"))
    lawyer = db.add(Contact(org_id=ids["org"], name="Miriam Alder", kind="post_conviction_attorney"))
    counsel = db.add(ReliefCounsel(application_id=application.id, contact_id=lawyer.id, role="lead"))
    support = db.add(
        SupportRecord(application_id=application.id, kind="resolution", author="Board of Supervisors")
    )
    template = db.add(
        ReliefTemplate(org_id=ids["org"], jurisdiction="MA", kind=None, name="Our pardon steps")
    )
    template_step = db.add(
        ReliefTemplateStep(template_id=template.id, position=1, title="Gather records", offset_days=14)
    )
    builtin = db.scalar(
        sa.select(ReliefTemplate).where(
            ReliefTemplate.org_id.is_(None), ReliefTemplate.jurisdiction == "generic"
        )
    )
    ids.update(
        relief_app=application.id,
        relief_step=step.id,
        relief_template=template.id,
        relief_template_step=template_step.id,
        relief_builtin=builtin.id,
        relief_counsel=counsel.id,
        relief_support=support.id,
    )
