"""Active content and identifying metadata taken out of an upload before it is stored.

A PDF can run JavaScript or launch a program when it is opened, and carry other files inside it; a photo
can carry where and with which camera it was taken. None of it belongs in a case file: a PDF loses its
scripts, open and additional actions, launch actions and embedded files; a JPEG or PNG loses its EXIF
(location, camera), XMP and text metadata. A file with nothing to remove is stored byte for byte as it came.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from casework.errors import OperationError

if TYPE_CHECKING:  # pypdf is imported when a PDF is cleaned, not when the application starts
    from pypdf.generic import DictionaryObject

# Audit wording for each kind of removed content (names only, never values).
JAVASCRIPT = "javascript"
OPEN_ACTION = "open action"
ADDITIONAL_ACTIONS = "additional actions"
LAUNCH_ACTION = "launch action"
EMBEDDED_FILES = "embedded files"
IMAGE_LOCATION = "image location"
CAMERA_METADATA = "camera metadata"
IMAGE_METADATA = "image metadata"

_GPS_IFD = 0x8825
_CAMERA_TAGS = {0x010F, 0x0110, 0x0131, 0xA430, 0xA431, 0xA432, 0xA433, 0xA434, 0x9003}  # make, model, ...
_ACTION_KINDS = {"/JavaScript": JAVASCRIPT, "/Launch": LAUNCH_ACTION}


class CleaningFailed(OperationError):
    """The file could not be cleaned, so it is not kept; the message says what to do."""


@dataclass(frozen=True)
class Cleaned:
    """The bytes to store and what was taken out of them."""

    data: bytes
    removed: tuple[str, ...] = ()


def clean(data: bytes, content_type: str) -> Cleaned:
    """The upload without active content or identifying metadata (unchanged when it has none)."""
    try:
        if content_type == "application/pdf":
            return _clean_pdf(data)
        if content_type in ("image/jpeg", "image/png"):
            return _clean_image(data, content_type)
    except Exception:  # noqa: BLE001 - any parser error means the file cannot be made safe
        raise CleaningFailed(
            "The file could not be opened to check it for hidden content: export or scan it again."
        ) from None
    return Cleaned(data)


def _clean_pdf(data: bytes) -> Cleaned:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    removed: set[str] = set()
    _strip(writer.root_object, removed)
    if not removed:
        return Cleaned(data)
    # Copied once more, from the catalog down: only what is still reachable is written, not the removed
    # parts (a cloned writer keeps every object it was given, referenced or not).
    stripped = io.BytesIO()
    writer.write(stripped)
    out = io.BytesIO()
    PdfWriter(clone_from=PdfReader(stripped)).write(out)
    return Cleaned(out.getvalue(), tuple(sorted(removed)))


def _strip(root: DictionaryObject, removed: set[str]) -> None:
    """Walk every dictionary reachable from the catalog (each once) and take out the active parts."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    stack: list[object] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                continue
            seen.add((node.idnum, node.generation))
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            _strip_dictionary(node, removed)
            stack.extend(value for key, value in node.items() if key != "/Parent")
        elif isinstance(node, ArrayObject):
            stack.extend(node)


def _strip_dictionary(node: DictionaryObject, removed: set[str]) -> None:
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    for key, what in (("/OpenAction", OPEN_ACTION), ("/AA", ADDITIONAL_ACTIONS)):
        if key in node:
            del node[key]
            removed.add(what)
    names = node.get("/Names")
    if isinstance(names, IndirectObject | DictionaryObject):
        names = names.get_object()
        for key, what in (("/JavaScript", JAVASCRIPT), ("/EmbeddedFiles", EMBEDDED_FILES)):
            if isinstance(names, DictionaryObject) and key in names:
                del names[key]
                removed.add(what)
    for key in ("/A", "/Next"):
        kind = _dangerous_action(node.get(key))
        if kind:
            del node[key]
            removed.add(kind)
    if "/JS" in node:
        del node["/JS"]
        removed.add(JAVASCRIPT)
    if "/XFA" in node:  # XML forms carry their own scripts
        del node["/XFA"]
        removed.add(JAVASCRIPT)
    if "/EF" in node:  # a file specification's embedded file streams
        del node["/EF"]
        removed.add(EMBEDDED_FILES)
    annotations = node.get("/Annots")
    if annotations is not None and isinstance(annotations.get_object(), ArrayObject):
        kept = [a for a in annotations.get_object() if a.get_object().get("/Subtype") != "/FileAttachment"]
        if len(kept) != len(annotations.get_object()):
            node[NameObject("/Annots")] = ArrayObject(kept)
            removed.add(EMBEDDED_FILES)


def _dangerous_action(value: object) -> str | None:
    """What an action (or a list of them) would do that is not allowed, or None."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    value = value.get_object() if isinstance(value, IndirectObject) else value
    if isinstance(value, ArrayObject):
        return next((kind for item in value if (kind := _dangerous_action(item))), None)
    if isinstance(value, DictionaryObject):
        return _ACTION_KINDS.get(str(value.get("/S")))
    return None


def _clean_image(data: bytes, content_type: str) -> Cleaned:
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as image:
        removed = _image_metadata(image)
        if not removed:
            return Cleaned(data)
        upright = ImageOps.exif_transpose(image)  # the orientation is applied before its tag goes
        options: dict = {}
        if image.info.get("icc_profile"):
            options["icc_profile"] = image.info["icc_profile"]  # colours, not identity
        out = io.BytesIO()
        if content_type == "image/jpeg":
            upright.save(out, "JPEG", quality=95, **options)
        else:
            if "transparency" in image.info:
                options["transparency"] = image.info["transparency"]
            upright.save(out, "PNG", **options)
    return Cleaned(out.getvalue(), tuple(sorted(removed)))


def _image_metadata(image) -> set[str]:
    """The kinds of identifying metadata an image carries."""
    found: set[str] = set()
    exif = image.getexif()
    if exif:
        if exif.get_ifd(_GPS_IFD) or _GPS_IFD in exif:
            found.add(IMAGE_LOCATION)
        if _CAMERA_TAGS & (set(exif) | set(exif.get_ifd(0x8769))):
            found.add(CAMERA_METADATA)
        if not found:
            found.add(IMAGE_METADATA)
    if {"xmp", "XML:com.adobe.xmp", "comment"} & set(image.info) or getattr(image, "text", None):
        found.add(IMAGE_METADATA)
    return found
