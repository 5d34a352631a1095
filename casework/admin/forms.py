"""Forms of the organization's administration pages."""

from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from casework.admin.queries import AuditFilters
from casework.forms import BaseForm, DayField, EnumSelectField, IdField, IntegerField, VersionField, parse_id
from casework.i18n import _l
from casework.models import MfaRequirement, Role

FIRST_SIGN_IN_HELP = (
    "At least 12 characters. Give it to the person privately; they can change it after signing in."
)


class UserCreateForm(BaseForm):
    """A new user of the admin's organization."""

    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(_l("Type the e-mail address the person will sign in with.")),
            Email(_l("Type a complete e-mail address, such as name@example.org.")),
            Length(max=254),
        ],
    )
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    role = EnumSelectField(_l("Role"), enum=Role, validators=[InputRequired(_l("Choose a role."))])
    password = PasswordField(
        _l("Initial password"),
        validators=[DataRequired(_l("Type an initial password."))],
        description=FIRST_SIGN_IN_HELP,
        render_kw={"autocomplete": "new-password"},
    )


class UserEditForm(BaseForm):
    """Name, role and whether the account is active."""

    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    role = EnumSelectField(_l("Role"), enum=Role, validators=[InputRequired(_l("Choose a role."))])
    active = BooleanField(
        _l("Active (can sign in)"), description=_l("Deactivating signs the user out everywhere at once.")
    )
    version = VersionField()

    def record_data(self) -> dict:
        """The user's attributes as typed."""
        return {"name": self.name.data or "", "role": self.role.data, "active": self.active.data}


class PasswordResetForm(BaseForm):
    """An admin sets a new password for a user (their sessions end)."""

    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Type a new password."))],
        description=FIRST_SIGN_IN_HELP,
        render_kw={"autocomplete": "new-password"},
    )


class OrgSettingsForm(BaseForm):
    """Organization-wide settings."""

    volunteers_see_a_number = BooleanField(_l("Volunteers may see A-numbers"))
    volunteers_build_packets = BooleanField(_l("Volunteers may build PDF packets"))
    mfa_required_for = EnumSelectField(
        _l("Second factor required for"),
        enum=MfaRequirement,
        validators=[Optional()],
        description=_l("Those without one are sent to set it up when they sign in."),
    )
    mfa_grace_days = IntegerField(
        _l("Days to set it up"),
        validators=[Optional()],
        low=0,
        high=90,
        description=_l(
            "After these days, counted from when the requirement was saved, a user without a second "
            "factor can use nothing but the page that sets it up."
        ),
    )
    purge_closed_after_years = IntegerField(
        _l("Purge closed cases N years after closing"),
        validators=[Optional()],
        low=1,
        high=30,
        description=_l(
            "Empty: closed cases are kept. A case on legal hold is never purged. The purge runs from "
            "the server (flask --app casework purge)."
        ),
    )
    audit_retention_years = IntegerField(
        _l("Keep the audit trail N years"),
        validators=[Optional()],
        low=1,
        high=30,
        description=_l("Empty: the audit trail is kept. Older events are deleted by the same purge."),
    )
    version = VersionField()

    def record_data(self) -> dict:
        """The settings as typed (a second-factor setting left out keeps its value; an empty retention
        setting turns it off)."""
        data = {
            "volunteers_see_a_number": self.volunteers_see_a_number.data,
            "volunteers_build_packets": self.volunteers_build_packets.data,
            "purge_closed_after_years": self.purge_closed_after_years.data,
            "audit_retention_years": self.audit_retention_years.data,
        }
        for name in ("mfa_required_for", "mfa_grace_days"):
            if self[name].data is not None:
                data[name] = self[name].data
        return data


class AuditFilterForm(BaseForm):
    """Filters of the audit trail (GET: they hold ids and dates, nothing personal)."""

    class Meta:
        csrf = False

    user = SelectField(_l("User"), choices=[], validators=[Optional()], validate_choice=False)
    person = IdField(_l("Case number"), validators=[Optional()])
    action = SelectField(_l("Action"), choices=[], validators=[Optional()], validate_choice=False)
    start = DayField(_l("From"), validators=[Optional()])
    end = DayField(_l("To"), validators=[Optional()])

    def filters(self) -> AuditFilters:
        """The filters as typed (call after a successful validation)."""
        user = self.user.data
        return AuditFilters(
            actor_id=parse_id(user),
            person_id=self.person.data or None,
            action=self.action.data or None,
            start=self.start.data,
            end=self.end.data,
        )
