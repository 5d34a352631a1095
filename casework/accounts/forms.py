"""Sign-in and password forms."""

from wtforms import EmailField, PasswordField
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


__all__ = ["ChangePasswordForm", "Email", "LoginForm"]
