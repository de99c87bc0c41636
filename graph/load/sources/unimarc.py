"""UNIMARC and CNMARC readers: ISO 2709 decoded by 100$a/26-29, and XML in any of its namespaces.

UNIMARC leaves leader/09 blank, so the character set of a record comes from its
100$a positions 26-29 (``01`` ISO 646, ``10`` GB 2312, ``50`` ISO 10646), checked
against the bytes: a record that says ISO 646 but holds GBK is read as GBK with a
warning that names both, and a record whose bytes fit no character set we can read
is rejected with that reason, never decoded into mojibake.

XML comes as CNMARC XML (namespace ``http://www.nlc.cn/``), UNIMARC XML
(``info:srw/schema/8/unimarcxml-v0.1``) or MARCXML-shaped UNIMARC, often wrapped
in an SRU response: only elements that hold a leader or fields count as records.

``marc_dialect(path)`` tells UNIMARC from MARC 21 by what the records hold, so
neither is ever read as the other.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterator

import pymarc

from graph.load.sources import Rejection, SourceRecord
from graph.load.sources.marc import iso2709_chunks, iso2709_records
from graph.load.sources.marcxml import is_xml, local_name, read_records

RECORD_END = b"\x1d"
FIELD_END = b"\x1e"
SUBFIELD = b"\x1f"

# 100$a/26-29: two two-character character-set codes (G0, G1)
CHARSETS = {
    "01": "ISO 646",
    "02": "ISO Registration #37",
    "03": "ISO 5426",
    "04": "ISO DIS 5427",
    "05": "ISO 5428",
    "06": "ISO 6438",
    "10": "GB 2312",
    "11": "GB 2312",
    "20": "GB 2312",
    "50": "ISO 10646 (UTF-8)",
}
CNMARC_NS = "http://www.nlc.cn/"
UNIMARC_NAMESPACES = (
    CNMARC_NS,
    "info:srw/schema/8/unimarcxml-v0.1",
    "http://www.bnf.fr/unimarc",
    "http://www.unimarc.org/",
)
MARC21_NAMESPACE = "http://www.loc.gov/MARC21/slim"


def read_unimarc(path: str | Path) -> Iterator[SourceRecord | Rejection]:
    """Records of a UNIMARC/CNMARC file, ISO 2709 or XML, told apart by the first byte."""
    path = Path(path)
    if is_xml(path):
        yield from read_unimarc_xml(path)
    else:
        yield from read_unimarc_iso2709(path)


# ISO 2709 ----------------------------------------------------------------------
def read_unimarc_iso2709(path: Path) -> Iterator[SourceRecord | Rejection]:
    name = str(path)
    for position, offset, raw in iso2709_records(path):
        yield decode_unimarc_at(raw, name, position, offset)


def decode_unimarc_at(raw: bytes, file: str, position: int, offset: int | None = None) -> SourceRecord | Rejection:
    """One raw record as split from its file (padding and all); a rejection carries its byte offset."""
    stripped = raw.lstrip(b" \r\n\x00\x1a")
    item = decode_unimarc(stripped, file, position)
    if isinstance(item, Rejection) and offset is not None:
        item.offset = offset + len(raw) - len(stripped)
    return item


def _directory(raw: bytes) -> tuple[int, list[tuple[str, int, int]]]:
    base = int(raw[12:17])
    end = raw.index(FIELD_END, 24)
    directory = raw[24:end]
    if len(directory) % 12:
        raise ValueError(f"directory length {len(directory)} is not a multiple of 12")
    entries = []
    for i in range(0, len(directory), 12):
        entry = directory[i : i + 12]
        entries.append((entry[:3].decode("ascii"), int(entry[3:7]), int(entry[7:12])))
    return base, entries


def _field_bytes(raw: bytes) -> list[tuple[str, bytes]]:
    """(tag, bytes) of every field. Fields are split on the field terminator when the
    directory's count agrees (many CNMARC exports count characters, not bytes, in the
    directory), else cut by the directory's offsets and lengths."""
    base, entries = _directory(raw)
    if base <= 24 or base > len(raw):
        raise ValueError(f"base address {base} is outside the record")
    parts = raw[base:].rstrip(RECORD_END).split(FIELD_END)
    if parts and parts[-1] == b"":
        parts.pop()
    starts = [start for _, _, start in entries]
    if len(parts) == len(entries) and starts == sorted(starts):
        return [(tag, part) for (tag, _, _), part in zip(entries, parts)]
    out = []
    for tag, length, start in entries:
        data = raw[base + start : base + start + length]
        if len(data) < length:
            raise ValueError(f"field {tag} runs past the end of the record")
        out.append((tag, data.rstrip(FIELD_END)))
    return out


def _charset_code(fields: list[tuple[str, bytes]]) -> str:
    for tag, data in fields:
        if tag == "100":
            a = data.split(SUBFIELD + b"a", 1)
            if len(a) == 2:
                coded = a[1].split(SUBFIELD)[0]
                return coded[26:30].decode("ascii", "replace")
    return ""


def declared_charset(code: str) -> str:
    """A readable name for a 100$a/26-29 value ('0120' -> 'ISO 646 + GB 2312')."""
    names = [
        CHARSETS.get(code[i : i + 2], f"unknown code {code[i : i + 2]!r}") for i in (0, 2) if code[i : i + 2].strip()
    ]
    return " + ".join(dict.fromkeys(names)) or "not given"


def choose_codec(code: str, data: bytes) -> tuple[str | None, str | None]:
    """The codec the bytes of a record are in, and a warning when that is not what 100 says.

    UTF-8 that decodes wins (GBK text almost never is valid UTF-8, while UTF-8 Chinese
    often is valid GB 18030); GB next. Returns (None, reason) when no codec fits.
    """
    declared = declared_charset(code)
    says_utf8 = "50" in (code[0:2], code[2:4])
    says_gb = any(c in ("10", "11", "20") for c in (code[0:2], code[2:4]))
    if data.isascii():
        return "ascii", None
    try:
        data.decode("utf-8")
        if says_utf8:
            return "utf-8", None
        return "utf-8", f"100$a/26-29 says {declared} but the bytes are UTF-8; read as UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        # said GB: GB 18030 (a superset of GB 2312 and GBK). Not said: only bytes that are
        # strictly GB 2312 (both bytes >= 0xA1), which ISO 5426 or Latin-1 text never is.
        data.decode("gb18030" if says_gb else "gb2312")
        if says_gb:
            return "gb18030", None
        return "gb18030", f"100$a/26-29 says {declared} but the bytes are GB 2312/GBK; read as GBK"
    except UnicodeDecodeError:
        pass
    return None, (
        f"100$a/26-29 says {declared}, but the bytes are neither UTF-8 nor GB 2312/GBK "
        f"and this reader does not decode {declared}; not loaded rather than garbled"
    )


def control_number(raw: bytes) -> str | None:
    try:
        for tag, data in _field_bytes(raw):
            if tag == "001":
                return data.decode("utf-8", "replace").strip() or None
    except (ValueError, IndexError, UnicodeDecodeError):
        pass
    return None


def decode_unimarc(raw: bytes, file: str = "<bytes>", position: int = 1) -> SourceRecord | Rejection:
    """One raw ISO 2709 UNIMARC record as a :class:`pymarc.Record` (strictly decoded)."""
    control = control_number(raw)
    if not raw.endswith(RECORD_END):
        return Rejection(file, position, control, "truncated record: no record terminator")
    if len(raw) < 25 or not raw[:5].isdigit() or not raw[12:17].isdigit():
        return Rejection(file, position, control, "invalid leader: record length or base address is not numeric")
    try:
        fields = _field_bytes(raw)
    except (ValueError, IndexError, UnicodeDecodeError) as err:
        return Rejection(file, position, control, f"unreadable directory: {err}")
    warnings = []
    if int(raw[:5]) != len(raw):
        warnings.append(f"leader record length {int(raw[:5])} but the record has {len(raw)} bytes")
    code = _charset_code(fields)
    codec, note = choose_codec(code, b"".join(data for _, data in fields))
    if codec is None:
        return Rejection(file, position, control, note or "no codec fits the record's bytes")
    if note:
        warnings.append(note)
    record = pymarc.Record(leader=raw[:24].decode("ascii", "replace"))
    for tag, data in fields:
        text_tag = tag
        try:
            if tag < "010" and tag.isdigit():
                record.add_field(pymarc.Field(tag=text_tag, data=data.decode(codec)))
                continue
            head, *subs = data.split(SUBFIELD)
            indicators = head.decode("ascii", "replace").ljust(2)[:2]
            subfields = [
                pymarc.Subfield(code=s[:1].decode("ascii", "replace"), value=s[1:].decode(codec)) for s in subs if s
            ]
        except UnicodeDecodeError as err:  # the record decodes as a whole, but a delimiter splits a character
            return Rejection(
                file,
                position,
                control,
                f"field {tag}: a field or subfield boundary falls inside a "
                f"{codec} character ({err.reason}); not loaded rather than garbled",
            )
        record.add_field(pymarc.Field(tag=text_tag, indicators=pymarc.Indicators(*indicators), subfields=subfields))
    if not record.fields:
        return Rejection(file, position, control, "no fields found")
    return SourceRecord(file, position, record, warnings)


# XML ---------------------------------------------------------------------------
def _is_marc_record(elem: ET.Element) -> bool:
    return local_name(elem.tag) == "record" and any(
        local_name(c.tag) in ("leader", "controlfield", "datafield") for c in elem
    )


def read_unimarc_xml(path: Path) -> Iterator[SourceRecord | Rejection]:
    """UNIMARC/CNMARC XML records (SRU wrappers and other envelopes are skipped)."""
    return read_records(path, _is_marc_record, xml_error)


def xml_error(path: Path, err: ET.ParseError) -> str:
    """Why an XML file failed, naming its real encoding when that is the cause."""
    data = Path(path).read_bytes()
    declared = re.search(rb"encoding=[\"']([A-Za-z0-9_-]+)", data[:200])
    declared_name = declared.group(1).decode("ascii") if declared else "UTF-8"
    if declared_name.lower().replace("-", "") in ("utf8", "") or not declared:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                data.decode("gb18030")
                return (
                    f"XML is not well-formed: {err}; the file says {declared_name} but its bytes are "
                    'GB 2312/GBK (GB 18030): save it as UTF-8 or declare encoding="GBK"'
                )
            except UnicodeDecodeError:
                pass
    return f"XML is not well-formed: {err}"


# Dialect -----------------------------------------------------------------------
def dialect_scores(tags: set[str], leader: str = "") -> dict[str, int]:
    """How strongly one record's tags (and leader) say UNIMARC and MARC 21."""
    return {
        "unimarc": ("200" in tags)
        + ("100" in tags and "008" not in tags)
        + ("801" in tags)
        + (leader[8:9] in ("0", "1", "2") if leader else 0),
        "marc21": ("245" in tags) + ("008" in tags) + ("040" in tags) + ("260" in tags or "264" in tags),
    }


def record_dialect(tags: set[str], leader: str = "") -> str | None:
    """'unimarc' or 'marc21' from the tags of one record (and its leader), or None if unclear."""
    scores = dialect_scores(tags, leader)
    if scores["unimarc"] == scores["marc21"]:
        return None
    return max(scores, key=scores.__getitem__)


def marc_dialect(path: str | Path, sample: int = 20) -> str | None:
    """'unimarc', 'marc21' or None (not MARC, or cannot tell) for a MARC file, by its first records."""
    path = Path(path)
    votes = {"unimarc": 0, "marc21": 0}
    try:
        if is_xml(path):
            with open(path, "rb") as fh:
                head = fh.read(1 << 18).decode("utf-8", "ignore")
            if any(f'"{ns}"' in head for ns in UNIMARC_NAMESPACES):
                return "unimarc"
            chunks = re.split(r"<(?:\w+:)?record[\s>]", head)[1 : sample + 1]
            for chunk in chunks:
                tags = set(re.findall(r'tag="([0-9A-Za-z]{3})"', chunk))
                leader = re.search(r"<(?:\w+:)?leader>([^<]*)<", chunk)
                vote = record_dialect(tags, leader.group(1) if leader else "")
                if vote:
                    votes[vote] += 1
        else:
            for n, raw in enumerate(iso2709_chunks(path)):
                if n >= sample:
                    break
                raw = raw.lstrip(b" \r\n\x00\x1a")
                try:
                    _, entries = _directory(raw)
                except (ValueError, IndexError, UnicodeDecodeError):
                    continue
                vote = record_dialect({t for t, _, _ in entries}, raw[:24].decode("ascii", "replace"))
                if vote:
                    votes[vote] += 1
    except OSError:
        return None
    if votes["unimarc"] == votes["marc21"]:
        return None
    return max(votes, key=votes.__getitem__)
