"""The account pages: signing in and out, the password, the second factor."""

from casework.accounts.views import second_factor, signin  # noqa: F401  (they add their routes to bp)
from casework.accounts.views.common import bp

__all__ = ["bp"]
