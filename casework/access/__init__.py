"""The one place that decides who may see or change what.

Every view loads objects and builds list queries through this module; templates only hide buttons.

Rules (see DESIGN.md §3):
- admins and staff see every case of their organization; volunteers and attorneys only those assigned;
- a case shared with a user (or with an organization, for its admins and staff) is visible to them,
  at view or edit level, until the share's end date;
- deactivated users see nothing; deleted cases are visible to no one (admins restore them);
- privileged material: admins, staff and attorneys; exports: everyone but volunteers;
- A-numbers: hidden from volunteers unless their organization allows it.
"""

from casework.access.advocacy import (
    advocacy_cases_filter,
    advocacy_linkable_people,
    can_write_advocacy,
    get_advocacy_event_or_404,
    sees_advocacy_contacts,
    visible_advocacy_events,
    visible_advocacy_filter,
)
from casework.access.background import get_linkable_case_or_404, get_relation_or_404
from casework.access.cases import (
    ORG_WIDE_ROLES,
    PRIVILEGED_ROLES,
    CaseItem,
    Level,
    a_number_shown,
    a_number_visible,
    can,
    deleted_people,
    get_case_item_or_404,
    get_deleted_person_or_404,
    get_org_user_or_404,
    get_owned_case_or_404,
    get_person_or_404,
    level_for,
    note_shares_reach,
    org_users,
    policy_allows,
    require,
    resolved,
    role_allows,
    role_required,
    sees_whole_org_by_role,
    shares_reach,
    shares_reach_params,
    visible_people,
    visible_people_filter,
    whole_org_scope,
)
from casework.access.directory import (
    DIRECTORY_MANAGERS,
    can_manage_contacts,
    get_contact_or_404,
    linkable_contacts,
    visible_contacts,
)
from casework.access.material import (
    can_print,
    documents_filter,
    get_document_or_404,
    get_note_or_404,
    notes_filter,
)
from casework.access.petitions import (
    get_consent_or_404,
    get_petition_child_or_404,
    get_petition_or_404,
    visible_outbox,
)
from casework.access.relief import (
    get_case_org_user_or_404,
    get_relief_application_or_404,
    get_relief_step_or_404,
    get_relief_template_or_404,
    get_relief_template_step_or_404,
    get_step_of_application_or_404,
    get_step_of_template_or_404,
    relief_templates_offered,
)

__all__ = [
    "shares_reach_params",
    "shares_reach",
    "sees_whole_org_by_role",
    "note_shares_reach",
    "a_number_shown",
    "a_number_visible",
    "get_linkable_case_or_404",
    "get_relation_or_404",
    "advocacy_cases_filter",
    "advocacy_linkable_people",
    "can_write_advocacy",
    "get_advocacy_event_or_404",
    "sees_advocacy_contacts",
    "visible_advocacy_events",
    "visible_advocacy_filter",
    "DIRECTORY_MANAGERS",
    "ORG_WIDE_ROLES",
    "PRIVILEGED_ROLES",
    "CaseItem",
    "Level",
    "can",
    "can_manage_contacts",
    "can_print",
    "deleted_people",
    "documents_filter",
    "get_case_item_or_404",
    "get_consent_or_404",
    "get_contact_or_404",
    "get_deleted_person_or_404",
    "get_document_or_404",
    "get_note_or_404",
    "get_org_user_or_404",
    "get_owned_case_or_404",
    "policy_allows",
    "role_allows",
    "get_person_or_404",
    "get_petition_child_or_404",
    "get_petition_or_404",
    "get_relief_step_or_404",
    "get_relief_template_or_404",
    "get_case_org_user_or_404",
    "get_relief_application_or_404",
    "get_step_of_application_or_404",
    "get_step_of_template_or_404",
    "get_relief_template_step_or_404",
    "level_for",
    "linkable_contacts",
    "notes_filter",
    "org_users",
    "relief_templates_offered",
    "require",
    "resolved",
    "role_required",
    "visible_contacts",
    "visible_outbox",
    "visible_people",
    "visible_people_filter",
    "whole_org_scope",
]
