"""Routes of reports/: counts across the cases a user may see, for admins and staff of any organization (each
counts only what its user may open)."""

from tests.authz.common import OK, row

# admins and staff of any organization (the partner's staff member too); volunteers and attorneys: 403
ORG_STAFF = row(default=403, admin=OK, staff=OK, partner_shared=OK, other_staff=OK, other_admin=OK)

ROUTES = {
    "reports.index": ("GET", "/reports", ORG_STAFF),
    "reports.citizenship_custody": ("GET", "/reports/people-by-citizenship-and-custody", ORG_STAFF),
    "reports.citizenship_custody_csv": ("GET", "/reports/people-by-citizenship-and-custody.csv", ORG_STAFF),
    "reports.travel_documents": ("GET", "/reports/travel-documents", ORG_STAFF),
    "reports.travel_documents_csv": ("GET", "/reports/travel-documents.csv", ORG_STAFF),
    "reports.custody_events": ("GET", "/reports/custody-events", ORG_STAFF),
    "reports.custody_events_csv": ("GET", "/reports/custody-events.csv", ORG_STAFF),
    "reports.relief": ("GET", "/reports/relief", ORG_STAFF),
    "reports.relief_csv": ("GET", "/reports/relief-applications.csv", ORG_STAFF),
    "reports.relief_outcomes_csv": ("GET", "/reports/relief-decisions.csv", ORG_STAFF),
    "reports.check_ins": ("GET", "/reports/check-ins", ORG_STAFF),
    "reports.check_ins_csv": ("GET", "/reports/check-ins.csv", ORG_STAFF),
}
