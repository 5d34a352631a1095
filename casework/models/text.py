"""Folding of names for search: case-insensitive, accents optional, any script."""

import unicodedata

# Letters that do not decompose into a base letter plus a mark.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "ß": "ss", "æ": "ae"})


def _is_latin(ch: str) -> bool:
    return ch.isascii() or "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff"


def fold(text: str | None) -> str:
    """Lower-case, drop accents from Latin letters (Nguyễn -> nguyen), keep other scripts whole.

    Marks are removed only after a Latin base letter: Khmer and Lao vowel signs are combining marks
    too, and dropping them would merge different names.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL).casefold())
    out: list[str] = []
    base_is_latin = False
    for ch in decomposed:
        if unicodedata.combining(ch):
            if base_is_latin:
                continue
        else:
            base_is_latin = _is_latin(ch)
        out.append(ch)
    return " ".join(unicodedata.normalize("NFC", "".join(out)).split())
