"""Sign-in and password forms."""

from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from casework.forms import BaseForm
from casework.i18n import _l


class LoginForm(BaseForm):
    """E-mail and password."""

    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(_l("Type the e-mail address you sign in with."))],
        render_kw={"autocomplete": "username", "autofocus": True},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Type your password."))],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(BaseForm):
    """A user's own password change."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Type your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Type a new password.")), Length(max=256)],
        description=_l(
            "At least 12 characters. A few unrelated words are easy to remember and hard to guess."
        ),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password, again"),
        validators=[EqualTo("new_password", _l("Type the same new password twice."))],
        render_kw={"autocomplete": "new-password"},
    )


class CodeForm(BaseForm):
    """A code from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Type the 6-digit code from your authenticator app.")), Length(max=32)],
        description=_l("The 6-digit code your authenticator app shows now, or one of your recovery codes."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True},
    )


class EnableSecondFactorForm(BaseForm):
    """The first code from the authenticator app, which proves it holds the secret."""

    code = StringField(
        _l("Code from the app"),
        validators=[DataRequired(_l("Type the 6-digit code the app shows.")), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class ProofForm(BaseForm):
    """Your password or a current code, asked before the second factor is turned off or its codes replaced."""

    proof = PasswordField(
        _l("Your password or a current code"),
        validators=[
            DataRequired(_l("Type your password or a code from your authenticator app.")),
            Length(max=256),
        ],
        render_kw={"autocomplete": "current-password"},
    )


__all__ = ["ChangePasswordForm", "CodeForm", "Email", "EnableSecondFactorForm", "LoginForm", "ProofForm"]
