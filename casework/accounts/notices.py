"""Security notices: e-mails through the outbox telling a user that something changed on their account.

They name what happened and when, never a password, code or full client address, and say what to do if it
was not the user. Queued in the request's transaction, so a change rolled back sends nothing.
"""

from __future__ import annotations

import ipaddress

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from casework.extensions import db
from casework.i18n import N_, gettext
from casework.models import SeenNetwork, User
from casework.models.base import utcnow
from casework.petitions import crypto, mail

NOT_YOU = N_(
    "If this was not you, tell an administrator of your organization at once: they can reset your password "
    "and second factor and sign you out everywhere."
)


def _send(user: User, subject: str, what: str) -> None:
    when = utcnow().strftime("%Y-%m-%d %H:%M UTC")
    body = gettext(
        "Hello %(name)s,\n\n%(what)s\nWhen: %(when)s\n\n%(not_you)s\n\n— Casework\n",
        name=user.display_name,
        what=what,
        when=when,
        not_you=gettext(NOT_YOU),
    )
    mail.queue(
        user.email,
        gettext("Casework: %(subject)s", subject=subject),
        body,
        purpose="security_notice",
        org_id=user.org_id,
    )


def second_factor_added(user: User) -> None:
    """An authenticator app was added to the account."""
    _send(
        user,
        gettext("second factor turned on"),
        gettext("A second factor (authenticator app) was turned on for your account."),
    )


def second_factor_removed(user: User, *, by_admin: bool) -> None:
    """The second factor was turned off, by the user or reset by an admin."""
    if by_admin:
        what = gettext(
            "An administrator of your organization reset the second factor of your account: signing in now "
            "needs the password alone until you set it up again at Account > Second factor."
        )
    else:
        what = gettext(
            "You turned off the second factor of your account: signing in now needs the password alone until "
            "you set it up again at Account > Second factor."
        )
    _send(user, gettext("second factor removed"), what)


def password_changed(user: User, *, by_admin: bool = False, by_reset_link: bool = False) -> None:
    """The password was changed: by the user, set by an admin, or through a reset link sent by e-mail."""
    if by_reset_link:
        what = gettext(
            "Your password was changed through a reset link sent to this address. Every session was signed out."
        )
    elif by_admin:
        what = gettext(
            "An administrator of your organization set a new password for your account. "
            "Your other sessions were signed out."
        )
    else:
        what = gettext("Your password was changed for your account. Your other sessions were signed out.")
    _send(user, gettext("password changed"), what)


def failed_sign_ins(user: User, failures: int) -> None:
    """A burst of failed sign-ins on the account, whatever the addresses they came from."""
    _send(
        user,
        gettext("failed sign-ins on your account"),
        gettext(
            "%(failures)s attempts to sign in to your account failed in the last minutes. Casework now slows "
            "further attempts down; you can still sign in with your password. If these were not you, someone "
            "may be guessing your password: choose a long one and turn on a second factor.",
            failures=failures,
        ),
    )


def network_of(address: str | None) -> str | None:
    """The network a client address belongs to: /24 for IPv4, /64 for IPv6 (None if not an address)."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def signed_in_from(user: User, address: str | None) -> None:
    """Remember the network of a sign-in (a keyed hash); a network new to a user who has signed in before
    earns a notice (the very first sign-in does not)."""
    network = network_of(address)
    if network is None:
        return
    digest = crypto.mac("seen-network", str(user.id), network)
    known = db.session.scalars(sa.select(SeenNetwork).where(SeenNetwork.user_id == user.id)).all()
    match = next((row for row in known if row.network_hash == digest), None)
    if match is not None:
        match.last_seen_at = utcnow()
        return
    try:
        with db.session.begin_nested():  # the same network recorded a moment ago by a parallel sign-in
            db.session.add(SeenNetwork(user_id=user.id, network_hash=digest))
    except IntegrityError:
        return
    if known:
        _send(
            user,
            gettext("sign-in from a new network"),
            gettext(
                "Someone signed in to your account from a network not used for your account before (the "
                "address is not kept)."
            ),
        )
