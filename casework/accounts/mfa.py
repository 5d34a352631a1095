"""Second factor: the names the rest of the application checks a code with.

Stand-in until TOTP enrolment lands: nobody is enrolled, so no code is ever asked for or accepted.
"""

from __future__ import annotations

from casework.models import User


def is_enrolled(user: User) -> bool:
    """Whether the user signs in with a second factor (then a code is asked for with the password)."""
    return False


def verify_second_factor(user: User, code: str) -> bool:
    """Whether `code` is a valid current code (or unused recovery code) of the user's second factor."""
    return False
