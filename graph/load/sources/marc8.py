"""MARC-8 to Unicode, with every problem reported instead of printed or swallowed.

pymarc's decoder writes to stderr and silently turns what it cannot read into
spaces. This one uses pymarc's character tables (ASCII, ANSEL, EACC CJK, Arabic,
Cyrillic, Greek, Hebrew, sub/superscripts) but replaces what it cannot read with
U+FFFD and says why, so the reader can attach the reason to the record. It also
decodes MARC-8's numeric character references (``&#x8ECA;``: how MARC-8 carries a
character it has no code for) and drops control characters, which MARC 21 data never
holds, saying so.
"""

from __future__ import annotations

import re
import unicodedata

from pymarc.marc8_mapping import CODESETS, ODD_MAP

BASIC_LATIN = 0x42
ANSEL = 0x45
EACC = 0x31
_G0_INTERMEDIATES = frozenset(b"(,$")
_G1_INTERMEDIATES = frozenset(b")-")
_TECHNIQUE_1 = {0x67: 0x67, 0x62: 0x62, 0x70: 0x70, 0x73: BASIC_LATIN}  # ESC g/b/p/s
REPLACEMENT = "\ufffd"


def _lookup(charset: int, code: int):
    table = CODESETS.get(charset)
    if table is None:
        return None
    found = table.get(code)
    if found is None and code < 0x1000:
        found = table.get(code ^ 0x80)  # a 94-set designated as G1, or the reverse
    return found


def marc8_to_unicode(data: bytes, problems: list[str] | None = None) -> str:
    """Decode one MARC-8 string (a subfield); append what went wrong to ``problems``."""
    if data.isascii() and b"\x1b" not in data:
        text = data.decode("ascii")
        if CONTROL.search(text):
            text = _drop_controls(text, problems)
        return _references(text, problems) if "&#x" in text else text
    g0, g1 = BASIC_LATIN, ANSEL
    out: list[str] = []
    combining: list[str] = []
    pos, end = 0, len(data)
    while pos < end:
        byte = data[pos]
        if byte == 0x1B:  # escape sequence: designate a character set
            nxt = data[pos + 1] if pos + 1 < end else None
            if nxt in _TECHNIQUE_1:
                g0 = _TECHNIQUE_1[nxt]
                pos += 2
                continue
            seq = data[pos + 1 : pos + 4]
            multibyte = seq[:1] == b"$"
            rest = seq[1:] if multibyte else seq
            if multibyte and rest[:1] not in (b"(", b",", b")", b"-"):
                rest = b"(" + rest  # ESC $ F designates a G0 multibyte set
                step = 3
            else:
                step = 3 + multibyte
            if len(rest) >= 2 and rest[0] in _G0_INTERMEDIATES | _G1_INTERMEDIATES:
                final = rest[1]
                if final == 0x21 and len(rest) >= 3:  # ESC ) ! E: ANSEL as G1
                    final, step = rest[2], step + 1
                if final in CODESETS:
                    if rest[0] in _G0_INTERMEDIATES:
                        g0 = final
                    else:
                        g1 = final
                    pos += step
                    continue
            if problems is not None:
                problems.append(f"invalid MARC-8 escape sequence {data[pos : pos + 4]!r}")
            pos += 1  # drop the ESC, read on
            continue
        if g0 == EACC and 0x21 <= byte < 0x7F:
            if pos + 3 > end:
                if problems is not None:
                    problems.append("EACC character cut short at the end of a subfield")
                out.append(REPLACEMENT)
                break
            code = (byte << 16) | (data[pos + 1] << 8) | data[pos + 2]
            pos += 3
            found = _lookup(EACC, code)
            if found is None:
                odd = ODD_MAP.get(code)
                if odd is not None:
                    out.append(chr(odd))
                    continue
                if problems is not None:
                    problems.append(f"unknown EACC character 0x{code:06x}")
                out.append(REPLACEMENT)
                continue
        else:
            pos += 1
            if byte < 0x20:
                if problems is not None:
                    problems.append(f"control character 0x{byte:02x} removed")
                continue
            if byte == 0x20:
                out.append(" ")
                continue
            found = _lookup(g1 if byte >= 0x80 else g0, byte)
            if found is None and byte < 0x80:
                found = _lookup(BASIC_LATIN, byte)
            if found is None:
                if problems is not None:
                    problems.append(f"byte 0x{byte:02x} is not MARC-8 (G0={g0:#x}, G1={g1:#x})")
                out.append(REPLACEMENT)
                continue
        char, is_combining = found
        if is_combining:
            combining.append(chr(char))
        else:
            out.append(chr(char))
            if combining:  # MARC-8 puts diacritics before their letter, Unicode after
                out.extend(combining)
                combining.clear()
    if combining:
        out.extend(combining)
    text = "".join(out)
    if "&#x" in text:
        text = _references(text, problems)
    return unicodedata.normalize("NFC", text)


# control characters MARC 21 text never holds (0x1E and 0x1F end fields and subfields: text is split there)
CONTROL = re.compile("[\x00-\x1d\x7f]")
_REFERENCE = re.compile("&#x([0-9A-Fa-f]{2,6});")


def _drop_controls(text: str, problems: list[str] | None) -> str:
    if problems is not None:
        problems.extend(f"control character 0x{ord(c):02x} removed" for c in CONTROL.findall(text))
    return CONTROL.sub("", text)


def _references(text: str, problems: list[str] | None) -> str:
    """``&#xXXXX;`` replaced by the character it names (MARC 21's lossless MARC-8 convention)."""

    def char(match: re.Match) -> str:
        code = int(match.group(1), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or code < 0x20 or 0x7F <= code < 0xA0:
            if problems is not None:
                problems.append(f"numeric character reference {match.group(0)} names no usable character")
            return match.group(0)
        return chr(code)

    return _REFERENCE.sub(char, text)


_CYRILLIC_LANGUAGES = frozenset({"rus", "ukr", "bel", "bul", "srp", "mac", "kaz", "kir", "uzb", "tat"})


def is_cyrillic_language(code: str) -> bool:
    return code in _CYRILLIC_LANGUAGES
