"""Sign-in and password forms."""

from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from casework.forms import BaseForm


class LoginForm(BaseForm):
    """E-mail and password."""

    email = EmailField(
        "E-mail",
        validators=[DataRequired("Type the e-mail address you sign in with.")],
        render_kw={"autocomplete": "username", "autofocus": True},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Type your password.")],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(BaseForm):
    """A user's own password change."""

    current_password = PasswordField(
        "Current password",
        validators=[DataRequired("Type your current password.")],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "New password",
        validators=[DataRequired("Type a new password."), Length(max=256)],
        description="At least 12 characters. A few unrelated words are easy to remember and hard to guess.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "New password, again",
        validators=[EqualTo("new_password", "Type the same new password twice.")],
        render_kw={"autocomplete": "new-password"},
    )


class CodeForm(BaseForm):
    """A code from the authenticator app, or a recovery code."""

    code = StringField(
        "Code",
        validators=[DataRequired("Type the 6-digit code from your authenticator app."), Length(max=32)],
        description="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True},
    )


class EnableSecondFactorForm(BaseForm):
    """The first code from the authenticator app, which proves it holds the secret."""

    code = StringField(
        "Code from the app",
        validators=[DataRequired("Type the 6-digit code the app shows."), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class ProofForm(BaseForm):
    """Your password or a current code, asked before the second factor is turned off or its codes replaced."""

    proof = PasswordField(
        "Your password or a current code",
        validators=[
            DataRequired("Type your password or a code from your authenticator app."),
            Length(max=256),
        ],
        render_kw={"autocomplete": "current-password"},
    )


__all__ = ["ChangePasswordForm", "CodeForm", "Email", "EnableSecondFactorForm", "LoginForm", "ProofForm"]
