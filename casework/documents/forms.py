"""Upload and edit forms for documents."""

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from casework.forms import BaseForm, EnumSelectField, VersionField
from casework.i18n import _l
from casework.models import DocumentKind

_title = [
    DataRequired(_l("Type a title, for example “Letter of support from his employer”.")),
    Length(max=200, message=_l("Keep the title under 200 characters.")),
]


class UploadForm(BaseForm):
    """A new document on a case."""

    file = FileField(
        _l("File"),
        validators=[FileRequired("Choose a PDF, JPEG or PNG file to upload.")],
        description=_l("PDF, JPEG or PNG, up to 10 MB. The type is checked from the file's content."),
    )
    title = StringField(_l("Title"), validators=_title)
    kind = EnumSelectField(_l("Kind"), enum=DocumentKind, default=DocumentKind.OTHER)
    privileged = BooleanField(
        _l("Privileged (attorney-client or work product)"),
        description=_l("Only staff, admins and attorneys will see it."),
    )


class DocumentEditForm(BaseForm):
    """Title, kind and privilege of a document."""

    title = StringField(_l("Title"), validators=_title)
    kind = EnumSelectField(_l("Kind"), enum=DocumentKind)
    privileged = BooleanField(
        _l("Privileged (attorney-client or work product)"),
        description=_l("Only staff, admins and attorneys will see it."),
    )
    version = VersionField()
