"""A vendor's order list as lines to check: columns found by Chinese or English header, values parsed.

The file is read as the local-literature spreadsheets are (:func:`graph.load.sources.spreadsheet.rows_of`:
XLSX, or CSV/TSV in UTF-8, UTF-16, GBK/GB 18030 or Big5). The header is the first of the first ten
rows that names at least two known columns (vendors often put a title row above it). A line needs an
ISBN or a title; a row with neither, or whose only ISBN is not a valid one, is a bad row reported by its
row number (the spreadsheet's own, header included), and the other rows are checked.

A title written ``Main title : subtitle`` (ISBD, or a full-width colon) is split as MARC 245 $a/$b
would hold it, and ``/ statement of responsibility`` is dropped, so the line meets the catalogue's
records on the same title keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from graph.identity.normalize import isbn13, year
from graph.load.sources.spreadsheet import column_for, header_lookup, rows_of

# canonical name -> (Chinese header, English header, other accepted headers)
COLUMNS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "id": ("序号", "line", ("订单号", "编号", "行号", "no", "id", "order no", "item no")),
    "isbn": (
        "国际标准书号",
        "isbn",
        ("书号", "标准书号", "isbn/issn", "isbn13", "isbn 13", "isbn-13", "isbn10", "ean", "标准号", "统一书号"),
    ),
    "title": ("题名", "title", ("书名", "正题名", "题名/书名", "书名/题名", "品名", "title proper")),
    "subtitle": ("副题名", "subtitle", ("其他题名信息", "副书名", "other title information")),
    "author": (
        "著者",
        "author",
        ("责任者", "作者", "著译者", "编著者", "主要责任者", "creator", "authors", "editor", "author/editor"),
    ),
    "publisher": ("出版社", "publisher", ("出版者", "出版单位", "出版发行", "imprint")),
    "year": (
        "出版年",
        "year",
        (
            "出版日期",
            "出版时间",
            "出版年份",
            "出版年月",
            "pub date",
            "publication date",
            "date",
            "pub year",
            "publication year",
        ),
    ),
    "edition": ("版次", "edition", ("版本",)),
    "price": ("价格", "price", ("定价", "单价", "码洋", "list price", "unit price")),
    "quantity": ("复本数", "quantity", ("数量", "订数", "册数", "copies", "qty")),
}
_LOOKUP = header_lookup(COLUMNS)
_ISBN_TOKEN = re.compile(r"([0-9][0-9Xx\-]{8,16}[0-9Xx])\s*(\([^()]*\))?")
_PRICE = re.compile(r"\d[\d,]*(?:\.\d+)?")
_SUBTITLE = re.compile(r"\s+:\s*|\s*[：]\s*|:\s+")


class ListError(Exception):
    """The whole list cannot be checked (unreadable file, no title or ISBN column); says why."""


@dataclass
class Line:
    """One line of the list, as the vendor gave it and as the checker reads it."""

    row: int  # the spreadsheet's row number (header = its own row)
    values: dict[str, str]  # the recognised columns, as written
    isbns: list[tuple[str, str]] = field(default_factory=list)  # (number, qualifier) as in MARC 020
    title: str = ""
    subtitle: str = ""
    price: float | None = None
    quantity: int = 1
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> float | None:
        return None if self.price is None else self.price * self.quantity


@dataclass
class BadRow:
    row: int
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.reason}"


@dataclass
class ListFile:
    """The lines of a list, its bad rows, and what was noticed about the file (encoding, unknown columns)."""

    name: str
    columns: list[str]  # the recognised columns, in the file's order
    lines: list[Line]
    bad: list[BadRow]
    notices: list[str]


def _find_header(rows: list[list[str]]) -> int | None:
    for i, row in enumerate(rows[:10]):
        found = {column_for(c, _LOOKUP) for c in row if c and c.strip()} - {None}
        if len(found) >= 2 or found & {"isbn", "title"}:
            return i
    return None


def read_list(path: str | Path, name: str | None = None) -> ListFile:
    """The lines of a purchase list (CSV, TSV or XLSX); :class:`ListError` if none can be checked."""
    path = Path(path)
    name = name or path.name
    try:
        rows, notice = rows_of(path)
    except Exception as err:  # openpyxl, csv and the decoder raise many kinds; each is a reason to report
        reason = str(err) if "not UTF-8" in str(err) else f"{type(err).__name__}: {err}"
        raise ListError(f"{name}: cannot read the list: {reason}") from err
    notices = [notice] if notice else []
    header_at = _find_header(rows)
    if header_at is None:
        raise ListError(
            f"{name}: no header row naming an ISBN (ISBN, 国际标准书号) or title (题名, 书名, title) "
            "column in the first ten rows"
        )
    columns: list[str | None] = []
    for title in rows[header_at]:
        found = column_for(title, _LOOKUP) if title and title.strip() else None
        if title and title.strip() and found is None:
            notices.append(f"unknown column {title.strip()!r}: not used for matching, kept in the output")
        elif found is not None and found in columns:
            notices.append(f"column {title.strip()!r} repeats {COLUMNS[found][1]}: only the first is used")
            found = None
        columns.append(found)
    if "isbn" not in columns and "title" not in columns:
        raise ListError(f"{name}: neither an ISBN (ISBN, 国际标准书号) nor a title (题名, 书名, title) column")
    lines, bad = [], []
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not any(c and c.strip() for c in row):
            continue
        values = {
            col: row[i].strip() for i, col in enumerate(columns) if col and i < len(row) and row[i] and row[i].strip()
        }
        line = parse_line(number, values)
        if isinstance(line, BadRow):
            bad.append(line)
        else:
            lines.append(line)
    return ListFile(name, [c for c in columns if c], lines, bad, notices)


def parse_line(row: int, values: dict[str, str]) -> Line | BadRow:
    """One row's values (canonical column -> text) as a :class:`Line`, or why it cannot be checked."""
    line = Line(row, values)
    raw_isbn = values.get("isbn", "")
    if raw_isbn:
        found = _isbns(raw_isbn)
        line.isbns = [(n, q) for n, q in found if isbn13(n)]
        for n, _ in found:
            if not isbn13(n):
                line.warnings.append(f"ISBN {n!r} is not a valid ISBN (check digit); not used")
        if not found:
            line.warnings.append(f"no ISBN in {raw_isbn!r}")
    title = values.get("title", "")
    if title:
        title = title.split(" / ")[0].strip()
        parts = _SUBTITLE.split(title, maxsplit=1)
        line.title = parts[0].strip()
        line.subtitle = values.get("subtitle", "") or (parts[1].strip() if len(parts) > 1 else "")
    if not line.isbns and not line.title:
        reason = "; ".join(line.warnings) if raw_isbn else "neither an ISBN nor a title"
        return BadRow(row, reason + ("" if title else ": nothing to match on"))
    if (text := values.get("year")) and not year(text):
        line.warnings.append(f"year {text!r} is not a year; not used")
    if text := values.get("price"):
        match = _PRICE.search(text.replace("，", ","))
        if match:
            line.price = float(match.group(0).replace(",", ""))
        else:
            line.warnings.append(f"price {text!r} is not a number; left out of the totals")
    if text := values.get("quantity"):
        match = re.search(r"\d+", text)
        if match and int(match.group(0)) > 0:
            line.quantity = int(match.group(0))
        else:
            line.warnings.append(f"quantity {text!r} is not a number; counted as 1")
    return line


def _isbns(text: str) -> list[tuple[str, str]]:
    """(number, qualifier) pairs in an ISBN cell: "978-7-101-00001-1 (平装); 7101000010 (set)"."""
    found = []
    parts = re.split(r"[;；,，/|、]+|\s{2,}", text)
    if not any(_ISBN_TOKEN.search(p) for p in parts):  # "978 7 101 00001 1": spaced groups
        parts = [re.sub(r"(?<=[0-9])\s(?=[0-9Xx])", "", p) for p in parts]
    for part in parts:
        for match in _ISBN_TOKEN.finditer(part):
            number = re.sub(r"[\s\-]", "", match.group(1))
            qualifier = (match.group(2) or "").strip("() ")
            if not qualifier:
                rest = part[match.end() :].strip()
                qualifier = rest.strip("() ") if rest and not rest[0].isdigit() else ""
            found.append((number, qualifier))
    return found
