"""Forms of the advocacy log: an event (with its figures, contacts and linked cases) and the list's filters."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from wtforms import (
    FieldList,
    FormField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from casework.forms import BaseForm, DayField, EnumSelectField, NotBefore, VersionField, coerce_id, parse_day
from casework.i18n import _l, gettext
from casework.models import AdvocacyKind

MAX_FIGURES = 12
FIGURE_LIMIT = 10**15  # a count, not a budget line: anything larger is a typing slip
EARLIEST = date(1950, 1, 1)
LATEST = date(2099, 12, 31)
WEB_ADDRESS = (
    "Type the whole web address, starting with https:// or http:// "
    "(for example https://www.legislature.example.gov/news/statement)."
)
WHOLE_NUMBER = "Type a whole number without decimals, for example 100 or 1,250."


def _short(limit: int) -> Length:
    return Length(max=limit, message=f"Keep this under {limit:,} characters.")


def _plausible_day(form, field) -> None:
    """A day between 1950 and 2099: 1202 or 20255 are typing slips."""
    if field.data and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(gettext("Check the year: type a date between 1950-01-01 and 2099-12-31."))


def _web_address(form, field) -> None:
    """An http(s) address with a host name, nothing else (no javascript:, file: or bare words)."""
    if not field.data:
        return
    if re.search(r"\s", field.data):
        raise ValidationError("Remove the spaces from the web address. " + WEB_ADDRESS)
    try:
        parts = urlsplit(field.data)
        host = parts.hostname
    except ValueError:
        raise ValidationError(WEB_ADDRESS) from None
    if parts.scheme.lower() not in ("http", "https") or not host or "." not in host.strip("."):
        raise ValidationError(WEB_ADDRESS)


class WholeNumberField(StringField):
    """A count: a whole number from 0, thousands separators allowed ("1,250")."""

    def process_formdata(self, valuelist):
        raw = valuelist[0].strip() if valuelist else ""
        self.raw_text = raw
        if not raw:
            self.data = None
            return
        digits = re.sub(r"(?<=\d)[,\s_](?=\d{3}\b)", "", raw)
        if not digits.isascii() or not digits.isdigit():
            self.data = None
            raise ValueError(WHOLE_NUMBER)
        self.data = int(digits)
        if self.data > FIGURE_LIMIT:
            raise ValueError(f"Type a number no larger than {FIGURE_LIMIT:,}.")

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class FigureRow(BaseForm):
    """One figure: what is counted and how many ("Cambodians detained": 100)."""

    class Meta:
        csrf = False  # a row of the event form, whose token covers it

    label = StringField(_l("What is counted"), validators=[Optional(), _short(200)])
    value = WholeNumberField(_l("Number"))

    def validate(self, extra_validators=None) -> bool:
        """A figure needs both parts, or neither (a blank row is ignored)."""
        valid = super().validate(extra_validators)
        if self.label.data and self.value.data is None and not self.value.errors:
            self.value.errors = [*self.value.errors, "Type the number for this figure, for example 100."]
            valid = False
        if self.value.data is not None and not self.label.data and not self.label.errors:
            self.label.errors = [
                *self.label.errors,
                "Type what the number counts, for example “Cambodians detained”.",
            ]
            valid = False
        return valid


class CheckboxListField(SelectMultipleField):
    """Several rows (by id) chosen by ticking boxes; only the rows offered may be ticked."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, refused: str = "Tick only the rows listed here.", **kw):
        kw.setdefault("choices", [])
        super().__init__(label, validators, coerce=coerce_id, validate_choice=False, **kw)
        self.refused = refused

    def process_formdata(self, valuelist):
        try:
            self.data = list(dict.fromkeys(coerce_id(v) for v in valuelist))
        except ValueError:
            self.data = []
            raise ValueError(self.refused) from None

    def pre_validate(self, form):
        offered = {int(c.value) for c in self._choices_from_input(self.choices)}
        if any(value not in offered for value in self.data or ()):
            raise ValidationError(self.refused)


class EventForm(BaseForm):
    """An event of the advocacy log."""

    title = StringField(
        _l("Title"),
        validators=[
            InputRequired(_l("Type a short title, for example “State Senator’s statement on detentions”.")),
            _short(300),
        ],
    )
    kind = EnumSelectField(
        _l("Kind"),
        enum=AdvocacyKind,
        blank="— choose —",
        validators=[InputRequired(_l("Choose what kind of event this was."))],
    )
    occurred_on = DayField(
        _l("Date"),
        validators=[
            InputRequired(_l("Type the day it happened as YYYY-MM-DD, for example 2025-03-14.")),
            _plausible_day,
        ],
    )
    source_url = StringField(
        _l("Source address"),
        validators=[Optional(), _short(500), _web_address],
        description=_l("Optional. Where it was published: the statement, article or record."),
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), _short(20_000)])
    figures = FieldList(FormField(FigureRow), max_entries=MAX_FIGURES)
    contacts = CheckboxListField(
        _l("Contacts involved"),
        refused="Tick only contacts listed here (from your organization’s directory).",
        description=_l("From your organization’s directory."),
    )
    cases = CheckboxListField(
        _l("Linked cases"),
        refused="Tick only cases listed here; find others by name first.",
        description=_l("The event appears on the timeline of each case ticked here."),
    )
    find = StringField(
        _l("Find a case to link"),
        validators=[Optional(), _short(200)],
        description=_l("Part of a name; press “Find cases”, then tick the cases to link."),
    )
    find_cases = SubmitField(_l("Find cases"))
    version = VersionField()

    FIELDS = ("title", "kind", "occurred_on", "source_url", "description")
    # After "Find cases": {"text": what was searched, "count": how many found, "more": whether there are more}
    search_result: dict | None = None

    def validate(self, extra_validators=None) -> bool:
        """Finding cases to link saves nothing: the form comes back with what was typed and the matches."""
        if self.find_cases.data:
            return False
        return super().validate(extra_validators)

    def event_data(self) -> dict:
        """The event's own values, by AdvocacyEvent attribute."""
        return {name: self[name].data for name in self.FIELDS}

    def figure_data(self) -> list[tuple[str, int]]:
        """The filled figure rows, in order, as (label, number)."""
        rows = (entry.form for entry in self.figures)
        return [
            (row.label.data, row.value.data) for row in rows if row.label.data and row.value.data is not None
        ]

    def record_data(self) -> dict:
        """Everything the form saves, for comparing with what someone else saved meanwhile."""
        return {
            **self.event_data(),
            "figures": self.figure_data(),
            "contacts": sorted(self.contacts.data or []),
            "cases": sorted(self.cases.data or []),
        }

    def fit_figure_rows(self) -> None:
        """Blank rows to type more figures in: at least four rows, two spare, twelve at most; each labelled."""
        filled = sum(
            1 for entry in self.figures if entry.form.label.data or entry.form.value.data is not None
        )
        while len(self.figures) < min(MAX_FIGURES, max(4, filled + 2)):
            self.figures.append_entry()
        for number, entry in enumerate(self.figures, start=1):
            entry.form.label.label.text = f"Figure {number}: what is counted"
            entry.form.value.label.text = f"Figure {number}: number"


def stored_kind(value) -> AdvocacyKind | None:
    """A kind kept in the session's filters (its value); None when empty or not a kind."""
    return (
        AdvocacyKind(value) if isinstance(value, str) and value in AdvocacyKind._value2member_map_ else None
    )


def stored_day(value) -> date | None:
    """A date kept in the session's filters (YYYY-MM-DD text); None when empty, not a date or out of range."""
    return parse_day(value)


class CaseChoiceField(SelectField):
    """One of the cases offered (by id, as text), or any case (the empty choice)."""

    def __init__(self, label=None, validators=None, **kw):
        super().__init__(label, validators, choices=[], **kw)

    def pre_validate(self, form):
        offered = {str(c.value) for c in self._choices_from_input(self.choices)}
        if (self.data or "") not in offered:
            raise ValidationError(gettext("Choose a case from the list, or “Any case”."))


class EventFilterForm(BaseForm):
    """The list's filters, posted and kept in the server-side session."""

    q = StringField(
        _l("Words"), validators=[Optional(), _short(200)], description=_l("In the title or description.")
    )
    kind = EnumSelectField(_l("Kind"), enum=AdvocacyKind, blank="Any kind", validators=[Optional()])
    date_from = DayField(_l("From"), validators=[Optional(), _plausible_day])
    date_to = DayField(
        _l("To"),
        validators=[
            Optional(),
            _plausible_day,
            NotBefore("date_from", "Type an end date on or after the start date."),
        ],
    )
    person = CaseChoiceField(_l("Case"), description=_l("The cases you may open that have events."))

    KEYS = ("q", "kind", "date_from", "date_to", "person")

    @classmethod
    def from_filters(cls, filters: dict) -> EventFilterForm:
        """The form showing the filters kept in the session (text) as typed values."""
        return cls(
            formdata=None,
            data={
                "q": filters.get("q") or None,
                "kind": stored_kind(filters.get("kind")),
                "date_from": stored_day(filters.get("date_from")),
                "date_to": stored_day(filters.get("date_to")),
                "person": filters.get("person") or "",
            },
        )

    def filters(self) -> dict:
        """The filters as session-safe text."""
        out = {}
        for key in self.KEYS:
            value = self[key].data
            out[key] = value.isoformat() if isinstance(value, date) else (str(value) if value else "")
        return out
