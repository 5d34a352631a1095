"""The case import form."""

from flask_wtf.file import FileField, FileRequired

from casework.forms import BaseForm
from casework.i18n import _l


class ImportForm(BaseForm):
    """A case file to import."""

    case_file = FileField(
        _l("Case file (.json or .zip bundle)"),
        validators=[FileRequired("Choose the case file to import.")],
        description=_l("A file made with “Export case” in Casework, by this or another organization."),
    )
