"""Routes of the foundation: core, accounts, people, admin."""

from tests.authz.common import (
    ACTORS,
    ADMIN_ONLY,
    ADMIN_OWN_ORG,
    CASE_DELETE,
    CASE_EDIT,
    CASE_MANAGE,
    CASE_VIEW,
    LOGIN,
    OK,
    PUBLIC,
    row,
)

ROUTES = {
    "static": ("GET", "/static/casework.css", PUBLIC),
    "core.healthz": ("GET", "/healthz", PUBLIC),
    "core.home": ("GET", "/", row()),
    "accounts.login": ("GET", "/login", PUBLIC),
    "accounts.logout": ("POST", "/logout", {a: LOGIN for a in ACTORS}),  # everyone ends on the sign-in page
    "accounts.change_password": ("GET", "/account/password", row()),
    "account_reset.request_reset": ("GET", "/account/reset", PUBLIC),
    "account_reset.choose_password": ("GET", "/account/reset/not-a-token", {a: 410 for a in ACTORS}),
    "people.index": ("GET", "/people", row()),
    "people.create": (
        "GET",
        "/people/new",
        row(volunteer=403, volunteer_assigned=403, attorney_assigned=403, partner_shared=OK),
    ),
    "people.show": ("GET", "/people/{person}", CASE_VIEW),
    "people.edit": ("GET", "/people/{person}/edit", CASE_EDIT),
    "people.close": ("GET", "/people/{person}/close", CASE_EDIT),
    "people.reopen": ("GET", "/people/{person}/reopen", CASE_EDIT),
    "people.delete": ("GET", "/people/{person}/delete", CASE_DELETE),
    "people.add_to_team": ("POST", "/people/{person}/team", CASE_MANAGE),
    "people.remove_from_team": ("POST", "/people/{person}/team/{assignment}/remove", CASE_MANAGE),
    "people.add_share": ("POST", "/people/{person}/shares", CASE_MANAGE),
    "people.remove_share": ("POST", "/people/{person}/shares/{share}/remove", CASE_MANAGE),
    "admin.users": ("GET", "/admin/users", ADMIN_ONLY),
    "admin.create_user": ("GET", "/admin/users/new", ADMIN_ONLY),
    "admin.edit_user": ("GET", "/admin/users/{user}", ADMIN_OWN_ORG),
    "admin.reset_password": ("POST", "/admin/users/{user}/password", ADMIN_OWN_ORG),
    "admin.settings": ("GET", "/admin/settings", ADMIN_ONLY),
    "admin.audit_trail": ("GET", "/admin/audit", ADMIN_ONLY),
    "admin.deleted_people": ("GET", "/admin/deleted", ADMIN_ONLY),
    "admin.restore_person": ("POST", "/admin/deleted/{deleted}/restore", ADMIN_OWN_ORG),
}
