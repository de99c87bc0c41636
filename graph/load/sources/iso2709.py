"""ISO 2709 records decoded fast and forgivingly into pymarc objects.

The decoder trusts bytes over labels: the record terminator over the leader's
length, the field terminators over the directory's lengths, and the bytes
themselves over leader/09 when it chooses between UTF-8 and MARC-8. What it had
to repair is returned as warnings; what it cannot read at all raises
:class:`BadRecord` with the reason. It builds :class:`pymarc.Record` objects
directly (about four times faster than ``pymarc.Record(data=...)``) so every
mapper can keep pymarc's API.
"""

from __future__ import annotations

import re
import unicodedata

from pymarc import Field, Indicators, Leader, Record, Subfield

from graph.load.sources.marc8 import CONTROL, is_cyrillic_language, marc8_to_unicode

RECORD_END = 0x1D
FIELD_END = 0x1E
SUBFIELD = 0x1F
_new_field = Field.__new__
_new_record = Record.__new__
_new_leader = Leader.__new__
_NFC = unicodedata.normalize
_BLANK_INDICATORS = Indicators(" ", " ")


class BadRecord(ValueError):
    """A record whose structure cannot be read; the message says why."""


def control_field(tag: str, data: str) -> Field:
    f = _new_field(Field)
    f.tag, f.data, f.control_field, f.subfields, f._indicators = tag, data, True, [], None
    return f


def data_field(tag: str, indicators: Indicators, subfields: list) -> Field:
    f = _new_field(Field)
    f.tag, f.data, f.control_field, f.subfields, f._indicators = tag, None, False, subfields, indicators
    return f


def make_record(leader: str, fields: list[Field]) -> Record:
    record = _new_record(Record)
    lead = _new_leader(Leader)
    lead.leader = leader
    record.leader, record.fields, record.pos = lead, fields, 0
    record._Record__pos = 0  # type: ignore[attr-defined]  # pymarc's private iteration cursor (name-mangled)
    record.force_utf8, record.to_unicode = leader[9:10] == "a", True
    return record


_INDICATORS: dict[str, Indicators] = {}
_VALID_CODES = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_tuple_new = tuple.__new__


def _indicators(text: str, tag: str, warnings: list[str]) -> Indicators:
    found = _INDICATORS.get(text)
    if found is not None:
        return found
    if len(text) == 2:
        found = _INDICATORS[text] = Indicators(text[0], text[1])
        return found
    if not text:
        warnings.append(f"field {tag}: no indicators; read as blanks")
        return _BLANK_INDICATORS
    if len(text) == 1:
        warnings.append(f"field {tag}: one indicator; the second read as blank")
        return Indicators(text, " ")
    warnings.append(f"field {tag}: {len(text)} indicator characters {text!r}; kept the first two")
    return Indicators(text[0], text[1])


def _subfields(parts: list[str], tag: str, warnings: list[str] | None) -> list:
    """Subfields from the parts between 0x1F; codes are checked unless ``warnings`` is None."""
    subs = [_tuple_new(Subfield, (part[0], part[1:])) for part in parts if part]
    if warnings is None:
        return subs
    for sub in subs:
        if sub[0] not in _VALID_CODES and not sub[0].isupper():
            warnings.append(f"field {tag}: subfield code {sub[0]!r} is not a letter or digit")
    return subs


def _encoding(body: bytes, leader9: bytes) -> tuple[str, str | None]:
    """'utf-8', 'utf-8-damaged' or 'marc-8' for the data area, and a warning if leader/09 disagrees.

    An ASCII data area is UTF-8 and MARC-8 alike, unless it holds what only MARC-8 means by
    ASCII bytes: escape sequences (EACC CJK is 7-bit: ``ESC $ 1``, then three bytes 0x21-0x7E
    a character) or, in a record leader/09 calls MARC-8, numeric character references
    (``&#x8ECA;``, MARC-8's way of carrying characters it has no code for).
    """
    if body.isascii():
        if _MARC8_ESCAPE.search(body):
            return "marc-8", (
                "leader/09 says UTF-8 but the bytes hold MARC-8 escape sequences; read as MARC-8"
                if leader9 == b"a"
                else None
            )
        if leader9 != b"a" and b"&#x" in body and _NCR.search(body):
            return "marc-8", None
        return "utf-8", None
    try:
        body.decode("utf-8")
        ok = True
    except UnicodeDecodeError:
        ok = False
    claimed = leader9 == b"a"
    if ok:
        return "utf-8", None if claimed else "leader/09 says MARC-8 but the bytes are UTF-8; read as UTF-8"
    if claimed:
        # mostly-valid UTF-8 with a few broken sequences is damaged UTF-8, not MARC-8
        good = len(body.decode("utf-8", errors="ignore").encode("utf-8"))
        high = sum(1 for b in body if b >= 0x80)
        if good >= len(body) - max(8, high // 4):
            return "utf-8-damaged", None
        return "marc-8", "leader/09 says UTF-8 but the bytes are not; read as MARC-8"
    return "marc-8", None


def decode(raw: bytes) -> tuple[Record, list[str]]:
    """One ISO 2709 record (ending in 0x1D) to a pymarc Record and the repairs made."""
    warnings: list[str] = []
    if len(raw) < 26:
        raise BadRecord(f"record of {len(raw)} bytes is too short for a leader and a directory")
    if raw[-1] != RECORD_END:
        raise BadRecord("truncated record: no record terminator")
    head = raw[:24]
    if not head.isascii():
        raise BadRecord(f"invalid leader {head!r}: not ASCII")
    leader = head.decode("ascii")
    if _CONTROL.search(leader):
        spots = ", ".join(str(m.start()) for m in _CONTROL.finditer(leader))
        warnings.append(f"leader holds control characters at {spots}; read as blanks")
        leader = _CONTROL.sub(" ", leader)
    if not leader[:5].isdigit():
        warnings.append(f"leader record length {leader[:5]!r} is not numeric; used the record terminator")
    elif int(leader[:5]) != len(raw):
        warnings.append(f"leader record length {int(leader[:5])} but the record has {len(raw)} bytes")
    dir_end = raw.find(b"\x1e", 24)
    if dir_end < 0:
        raise BadRecord("no field terminator after the directory")
    base_text = leader[12:17]
    if not base_text.isdigit() or int(base_text) != dir_end + 1:
        warnings.append(
            f"leader base address {base_text!r} does not match the directory end "
            f"({dir_end + 1}); used the directory end"
        )
    base = dir_end + 1
    directory = raw[24:dir_end]
    if len(directory) % 12:
        raise BadRecord(f"directory of {len(directory)} bytes is not a whole number of 12-byte entries")
    if not directory.isascii():
        raise BadRecord("directory holds non-ASCII bytes")
    body = raw[base:-1]
    encoding, note = _encoding(body, raw[9:10])
    if note:
        warnings.append(note)
    entries = directory.decode("ascii")
    fields = _fields_in_order(entries, body, warnings) if encoding == "utf-8" else None
    replaced = 0
    marc8_problems: list[str] = []
    language = ""
    if fields is None:
        fields = []
        for tag, chunk in _field_chunks(entries, body, warnings):
            if encoding == "marc-8":
                if not tag.isalnum():
                    warnings.append(f"tag {tag!r} is not alphanumeric")
                if tag < "010" and tag.isdigit():
                    text = _control_text(tag, chunk.decode("latin-1"), warnings)
                    if tag == "008":
                        language = text[35:38]
                    fields.append(control_field(tag, text))
                    continue
                parts = chunk.split(b"\x1f")
                head_text = parts[0].decode("latin-1")
                values = [marc8_to_unicode(p, marc8_problems) for p in parts[1:]]
                fields.append(data_field(tag, _indicators(head_text, tag, warnings), _subfields(values, tag, warnings)))
                continue
            if encoding == "utf-8-damaged":
                text = chunk.decode("utf-8", errors="replace")
                replaced += text.count("\ufffd")
            else:
                text = chunk.decode("utf-8")
            if not text.isascii():
                text = _NFC("NFC", text)
            if _CONTROL.search(text):
                text = _drop_controls(text, warnings)
            fields.append(_text_field(tag, text, warnings))
    if not fields:
        raise BadRecord("no fields found")
    odd = sum(1 for w in warnings if "indicator characters" in w) if warnings else 0
    if odd > 2 and odd * 2 > sum(1 for f in fields if not f.control_field):
        raise BadRecord(
            f"most fields have more than two indicators (leader/10 = {leader[10]!r}): "
            "not MARC 21 (danMARC2 or another ISO 2709 dialect)"
        )
    if marc8_problems:
        retry = _windows_1251(raw, entries, body, language) if is_cyrillic_language(language) else None
        if retry is not None:
            fields = retry
            warnings.append("bytes are Windows-1251 Cyrillic, not MARC-8; read as Windows-1251")
        else:
            shown = "; ".join(dict.fromkeys(marc8_problems[:3]))
            warnings.append(
                f"{len(marc8_problems)} MARC-8 characters could not be read: replaced with "
                f"U+FFFD, or removed if control characters ({shown})"
            )
    if replaced:
        warnings.append(f"{replaced} invalid UTF-8 sequences replaced with U+FFFD")
    if len(warnings) > _MAX_WARNINGS:
        warnings[_MAX_WARNINGS - 1 :] = [f"... and {len(warnings) - _MAX_WARNINGS + 1} more repairs"]
    return make_record(leader, fields), warnings


_MAX_WARNINGS = 8
# ESC then a MARC-8 designation: technique 1 (g, b, p, s) or an ISO 2022 set (intermediates ( , $ ) -)
_MARC8_ESCAPE = re.compile(rb"\x1b(?:[gbps]|[(,$)\-])")
_NCR = re.compile(rb"&#x[0-9A-Fa-f]{2,6};")
_CONTROL = CONTROL
_CONTROL_BYTES = bytes([*range(0x1E), 0x7F])  # the same, as UTF-8 bytes (no multi-byte sequence holds them)


def _drop_controls(text: str, warnings: list[str]) -> str:
    """The text without control characters, and a warning naming them (never passed on to the graph)."""
    found = _CONTROL.findall(text)
    codes = ", ".join(f"0x{ord(c):02x}" for c in dict.fromkeys(found))
    warnings.append(f"{len(found)} control characters ({codes}) removed")
    return _CONTROL.sub("", text)


_NUMERIC_DIRECTORY = re.compile(r"(?:...[0-9]{9})*")
_ODD_CODE = re.compile("\x1f[^a-z0-9\x1e\x1f]")  # a subfield code that may need a warning


def _fields_in_order(entries: str, body: bytes, warnings: list[str]) -> list[Field] | None:
    """The fields of a UTF-8 record whose directory walks its data in order, or None.

    Nearly every record's directory lists contiguous fields, each ending at its terminator:
    then the fields are the data split at its terminators, decoded and normalised in one
    piece. (NFC of the whole is NFC of each field: the terminators compose with nothing.)
    Any other directory is read field by field (:func:`_field_chunks`).
    """
    size = len(body)
    if body.count(b"\x1e") * 12 != len(entries) or not _NUMERIC_DIRECTORY.fullmatch(entries):
        return None
    at = 0
    for i in range(3, len(entries), 12):
        length = int(entries[i : i + 4])
        if length == 0 or int(entries[i + 4 : i + 9]) != at:
            return None
        at += length
        if at > size or body[at - 1] != FIELD_END:
            return None
    if at != size:
        return None
    text = body.decode("utf-8")
    if not text.isascii():
        text = _NFC("NFC", text)
    if len(body.translate(None, _CONTROL_BYTES)) != size:  # (cheaper than a search of the text)
        text = _drop_controls(text, warnings)
    checked = _ODD_CODE.search(text) is None
    return [
        _text_field(entries[i : i + 3], piece, warnings, checked)
        for i, piece in zip(range(0, len(entries), 12), text.split("\x1e"))
    ]


def _text_field(tag: str, text: str, warnings: list[str], codes_checked: bool = False) -> Field:
    """A field from its decoded text: indicators, then subfields each led by 0x1F."""
    if not tag.isalnum():
        warnings.append(f"tag {tag!r} is not alphanumeric")
    if tag < "010" and tag.isdigit():
        return control_field(tag, _control_text(tag, text, warnings))
    parts = text.split("\x1f")
    return data_field(
        tag, _indicators(parts[0], tag, warnings), _subfields(parts[1:], tag, None if codes_checked else warnings)
    )


def _control_text(tag: str, text: str, warnings: list[str]) -> str:
    """A control field's text without control characters. A 0x1F stays: subfields in a control field
    mark a national format (danMARC2, NORMARC), which the MARC 21 mapper refuses by it."""
    if _CONTROL.search(text):
        return _drop_controls(text, warnings)
    return text


def _field_chunks(entries: str, body: bytes, warnings: list[str]) -> list[tuple[str, bytes]]:
    """(tag, field bytes without terminator) for each directory entry.

    Where the directory's offsets or lengths miss the field terminators (a record
    edited without fixing its directory, or longer than ISO 2709's 99,999 bytes),
    the terminators win: fields are read in offset order, one per terminator.
    """
    located = []
    for i in range(0, len(entries), 12):
        tag = entries[i : i + 3]
        length_text, start_text = entries[i + 3 : i + 7], entries[i + 7 : i + 12]
        if not (length_text.isdigit() and start_text.isdigit()):
            raise BadRecord(f"directory entry {i // 12 + 1} ({entries[i : i + 12]!r}) is not numeric")
        located.append((tag, int(start_text), int(length_text)))
    chunks = []
    aligned = True
    size = len(body)
    for tag, start, length in located:
        stop = start + length
        if stop > size + 1 or length == 0 or body[stop - 1] != FIELD_END or (start and body[start - 1] != FIELD_END):
            aligned = False
            break
        chunks.append((tag, body[start : stop - 1]))
    if aligned:
        return chunks
    pieces = body.split(b"\x1e")
    if pieces and not pieces[-1]:
        pieces.pop()
    if len(pieces) != len(located):
        raise BadRecord(
            f"the directory lists {len(located)} fields but the data holds "
            f"{len(pieces)} field terminators; cannot tell the fields apart"
        )
    order = sorted(range(len(located)), key=lambda k: located[k][1])
    warnings.append(
        "directory offsets or lengths do not match the field terminators; read the fields by their terminators"
    )
    return [(located[k][0], pieces[n]) for n, k in enumerate(order)]


def _windows_1251(raw: bytes, entries: str, body: bytes, language: str) -> list[Field] | None:
    """The fields read as Windows-1251, if that reads as Cyrillic text (a common mislabelling)."""
    fields = []
    cyrillic = 0
    for i in range(0, len(entries), 12):
        tag = entries[i : i + 3]
        start = int(entries[i + 7 : i + 12])
        cut = body.find(b"\x1e", start)
        text = body[start : cut if cut >= 0 else len(body)].decode("cp1251", errors="replace")
        cyrillic += sum(1 for ch in text if "\u0400" <= ch <= "\u04ff")
        if tag < "010" and tag.isdigit():
            fields.append(control_field(tag, text))
            continue
        parts = text.split("\x1f")
        fields.append(data_field(tag, _indicators(parts[0], tag, []), _subfields(parts[1:], tag, [])))
    return fields if cyrillic >= 3 else None


def control_number(raw: bytes) -> str | None:
    """The 001 of a raw record if its directory can be walked that far, else None."""
    try:
        dir_end = raw.index(b"\x1e", 24)
        directory = raw[24:dir_end]
        for i in range(0, len(directory) - 11, 12):
            if directory[i : i + 3] == b"001":
                length, start = int(directory[i + 3 : i + 7]), int(directory[i + 7 : i + 12])
                value = raw[dir_end + 1 + start : dir_end + 1 + start + length]
                value = value.split(b"\x1e")[0]
                text = value.decode("utf-8", errors="replace").strip()
                return text or None
    except (ValueError, IndexError):
        pass
    return None


def record_type(raw: bytes) -> str:
    """Leader/06 of a raw record ('' if it has none)."""
    return chr(raw[6]) if len(raw) > 6 and raw[6] < 0x80 else ""


def linked_control_number(raw: bytes) -> str | None:
    """The 004 (the bibliographic record a holdings record belongs to) of a raw record."""
    try:
        dir_end = raw.index(b"\x1e", 24)
        directory = raw[24:dir_end]
        for i in range(0, len(directory) - 11, 12):
            if directory[i : i + 3] == b"004":
                start = int(directory[i + 7 : i + 12])
                value = raw[dir_end + 1 + start :].split(b"\x1e", 1)[0]
                return value.decode("utf-8", errors="replace").strip() or None
    except (ValueError, IndexError):
        pass
    return None
