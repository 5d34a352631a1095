"""Routes of deadlines/: what's due, dashboard, calendar feed."""

from tests.authz.common import ACTORS, SIGNED_IN

ROUTES = {
    "deadlines.due": ("GET", "/due", SIGNED_IN),
    "deadlines.dashboard": ("GET", "/dashboard", SIGNED_IN),
    "deadlines.calendar_settings": ("GET", "/account/calendar", SIGNED_IN),
    # the secret address is the credential: a wrong token is 404 for everyone, signed in or not
    "deadlines.calendar_feed": ("GET", "/calendar/not-a-valid-token.ics", {a: 404 for a in ACTORS}),
}
