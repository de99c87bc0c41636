"""Normalisation of identifiers and text into match keys (keys only: stored text is never changed)."""
from __future__ import annotations

import re
import unicodedata

_ISBN_CHARS = re.compile(r"[0-9Xx]")


def isbn13(raw: str | None) -> str | None:
    """ISBN-13 digits for an ISBN-10 or -13 as catalogued ("0-19-852663-6 (pbk.)"), or None if invalid."""
    if not raw:
        return None
    head = re.split(r"[\s(:;]", raw.strip(), maxsplit=1)[0]
    chars = "".join(_ISBN_CHARS.findall(head)).upper()
    if len(chars) == 10:
        if not _isbn10_ok(chars):
            return None
        core = "978" + chars[:9]
        return core + _isbn13_check(core)
    if len(chars) == 13 and chars.isdigit() and chars[:3] in ("978", "979"):
        return chars if _isbn13_check(chars[:12]) == chars[12] else None
    return None


def _isbn10_ok(chars: str) -> bool:
    if not chars[:9].isdigit() or not (chars[9].isdigit() or chars[9] == "X"):
        return False
    total = sum((10 - i) * int(c) for i, c in enumerate(chars[:9]))
    total += 10 if chars[9] == "X" else int(chars[9])
    return total % 11 == 0


def _isbn13_check(core12: str) -> str:
    total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(core12))
    return str((10 - total % 10) % 10)


def lccn(raw: str | None) -> str | None:
    """LC's normalisation of an LCCN: no blanks, no suffix after '/', serial zero-padded to 6."""
    if not raw:
        return None
    value = raw.strip().replace(" ", "").split("/")[0].lower()
    if "-" in value:
        prefix, _, serial = value.partition("-")
        value = prefix + serial.zfill(6)
    return value or None


_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


def text_key(text: str | None) -> str:
    """A key for matching text: NFKC, case-folded, punctuation and spaces removed."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _PUNCT.sub("", folded)


def year(text: str | None) -> str | None:
    """The first plausible four-digit year in a date statement."""
    if not text:
        return None
    match = re.search(r"(1[0-9]{3}|20[0-9]{2})", text)
    return match.group(1) if match else None
