"""Routes of transfer/: case export, case import, people CSV."""

from tests.authz.common import ADMIN_ONLY, CASE_EXPORT, row

ROUTES = {
    "transfer.export_json": ("GET", "/people/{person}/export.json", CASE_EXPORT),
    "transfer.export_bundle": ("GET", "/people/{person}/export.zip", CASE_EXPORT),
    "transfer.import_json": ("GET", "/admin/import", ADMIN_ONLY),
    "transfer.people_csv": ("GET", "/people/export.csv", row(volunteer=403, volunteer_assigned=403)),
}
