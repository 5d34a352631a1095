"""Expectation presets for the authorization matrix.

Outcomes: "ok" (200, or a redirect that is not to the sign-in page), "login" (redirected to sign in),
403 (visible but not allowed) and 404 (not visible: it does not exist for this user).
"""

ACTORS = [
    "anonymous",
    "admin",
    "staff",
    "volunteer",
    "volunteer_assigned",
    "attorney_assigned",
    "partner_shared",
    "other_staff",
    "other_admin",
    "deactivated",
]

OK, LOGIN = "ok", "login"


def row(**kw) -> dict:
    """Expectations for one route; signed-in actors not named get `default` (ok)."""
    default = kw.pop("default", OK)
    base = {a: default for a in ACTORS}
    base["anonymous"] = base["deactivated"] = LOGIN
    base.update(kw)
    return base


PUBLIC = {a: OK for a in ACTORS}
SIGNED_IN = row()
# a case of organization A, assigned to volunteer_assigned and attorney_assigned, shared (view) with partner_shared
CASE_VIEW = row(volunteer=404, other_staff=404, other_admin=404)
CASE_EDIT = row(volunteer=404, other_staff=404, other_admin=404, partner_shared=403)
CASE_MANAGE = row(
    volunteer=404,
    other_staff=404,
    other_admin=404,
    partner_shared=403,
    volunteer_assigned=403,
    attorney_assigned=403,
)
CASE_DELETE = dict(CASE_MANAGE, staff=403)
CASE_PRIVILEGED = dict(CASE_VIEW, volunteer_assigned=404)  # privileged material: no volunteer
CASE_EXPORT = dict(CASE_VIEW, volunteer_assigned=403)
ORG_STAFF = row(default=403, admin=OK, staff=OK, other_staff=OK, other_admin=OK)  # admins and staff, any org
ADMIN_ONLY = row(default=403, admin=OK, other_admin=OK)
ADMIN_OWN_ORG = row(default=403, admin=OK, other_admin=404)
