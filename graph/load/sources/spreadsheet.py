"""Local-literature spreadsheets (CSV, TSV, XLSX): rows of 地方文献 as a library lists them.

Columns are recognised by Chinese or English header, in any order
(``docs/local-literature.md`` lists them; ``template_rows()`` writes a file to fill).
Every row becomes a :class:`SourceRecord` whose record is a dict of canonical column
names. A row without a title, or with an edition date that cannot be (``光绪九十年``),
is rejected with its row number (the spreadsheet's own, header = row 1); an unknown
column is a :class:`Notice` and its values are not loaded. A CSV's encoding is found
from its bytes (UTF-8, UTF-16, GBK/GB 18030, Big5) and named in a notice when it is
not UTF-8; bytes of none of them reject the file instead of garbling it.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Iterator

from graph.identity.periods import PeriodError, parse_period
from graph.identity import sibu
from graph.load.sources import Notice, Rejection, SourceRecord

# canonical name -> (Chinese header, English header, other accepted headers)
COLUMNS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "id": ("记录号", "record id", ("编号", "序号", "id")),
    "title": ("题名", "title", ("书名", "正题名")),
    "title_pinyin": ("题名拼音", "title pinyin", ("拼音题名", "pinyin")),
    "juan": ("卷数", "juan", ("juan count",)),
    "responsibility": ("责任者", "responsibility", ("著者", "责任说明", "著者及朝代", "author")),
    "edition_period": ("版本年代", "edition period", ("版本时代", "年代", "刊刻年代", "date")),
    "edition_type": ("版本类型", "edition type", ("版本", "版本类别")),
    "type": ("文献类型", "type", ("类型", "类别", "document type")),
    "place": ("地区", "place", ("地点", "地域", "所属地区", "region", "谱籍", "ancestral place")),
    "publication_place": ("出版地", "publication place", ("刊刻地", "刻印地")),
    "surname": ("姓氏", "surname", ("谱姓", "genealogy surname")),
    "hall": ("堂号", "hall name", ("hall",)),
    "binding": ("装帧", "physical form", ("装订", "装帧形式", "binding")),
    "volumes": ("册数", "volumes", ("册", "volume count")),
    "surviving": ("存卷", "surviving juan", ("存", "surviving")),
    "missing": ("缺卷", "missing juan", ("缺", "missing")),
    "library": ("收藏单位", "holding library", ("馆藏单位", "藏书单位", "library")),
    "call_number": ("索书号", "call number", ("索取号", "排架号")),
    "census_number": ("古籍普查登记编号", "census number", ("普查登记编号", "普查编号", "ancient books census number")),
    "clc": ("中图分类号", "clc", ("分类号", "clc class")),
    "sibu": ("四部分类", "sibu class", ("四部类目", "四部", "四库分类", "四部分類", "four-branch class")),
    "url": ("数字对象", "digital object url", ("数字资源", "链接", "数字化链接", "url", "digital object")),
    "notes": ("附注", "notes", ("备注", "note")),
}
_SPLIT = re.compile(r"[\s/|（）()\[\]【】:：]+")


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-·.]+", " ", text.strip().casefold()).strip()


def header_lookup(columns: dict[str, tuple[str, str, tuple[str, ...]]]) -> dict[str, str]:
    """Every accepted header of a column table (canonical name -> (Chinese, English, others)), normalised."""
    return {_norm(alias): name for name, (zh, en, others) in columns.items() for alias in (zh, en, *others)}


_LOOKUP = header_lookup(COLUMNS)


def column_for(header: str, lookup: dict[str, str] | None = None) -> str | None:
    """The canonical column a header names ('卷数 (juan)', 'Title', '题名/title'), or None; ``lookup``
    (from :func:`header_lookup`) for another table than the local-literature columns."""
    lookup = _LOOKUP if lookup is None else lookup
    whole = _norm(header)
    if whole in lookup:
        return lookup[whole]
    for part in _SPLIT.split(header):
        if part and (found := lookup.get(_norm(part))):
            return found
    return None


def template_headers() -> list[str]:
    """The header row of the template: '题名 title', '卷数 juan', ..."""
    return [f"{zh} {en}" for zh, en, _ in COLUMNS.values()]


def template_rows() -> list[list[str]]:
    """The template: its header and one filled example row (a gazetteer), to copy and overwrite."""
    example = {
        "id": "FJ-0001",
        "title": "长乐县志",
        "title_pinyin": "",
        "juan": "二十卷",
        "responsibility": "(清)孟昭涵修；(清)李驹纂",
        "edition_period": "民国六年(1917)",
        "edition_type": "铅印本",
        "type": "地方志",
        "place": "福建长乐",
        "publication_place": "长乐",
        "surname": "",
        "hall": "",
        "binding": "线装",
        "volumes": "8",
        "surviving": "卷一至卷二十",
        "missing": "",
        "library": "",
        "call_number": "地/FJ/0001",
        "census_number": "350000-0101-0000001",
        "clc": "K295.7",
        "sibu": "史部.地理类.方志之属",
        "url": "",
        "notes": "",
    }
    return [template_headers(), [example[name] for name in COLUMNS]]


def write_template(path: str | Path) -> Path:
    """Write the template as .xlsx or .csv (UTF-8 with BOM, so spreadsheet programs open it right)."""
    path = Path(path)
    rows = template_rows()
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "地方文献"
        for row in rows:
            sheet.append(row)
        book.save(path)
    else:
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(rows)
    return path


# reading ------------------------------------------------------------------------------
class _Unreadable(Exception):
    pass


def _decode(data: bytes) -> tuple[str, str | None]:
    """Text of a CSV and a notice naming its encoding when that is not UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "the file is UTF-16; read as UTF-16"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as err:
        utf8_error = err
    try:
        text = data.decode("gb18030")
        han = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
        common = sum(1 for ch in han if _in_gb2312(ch))
        if not han or common >= 0.9 * len(han):
            return text, "the file is not UTF-8 but GBK (GB 18030); read as GBK: save it as UTF-8 to silence this"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("big5"), "the file is not UTF-8 but Big5; read as Big5: save it as UTF-8 to silence this"
    except UnicodeDecodeError:
        pass
    raise _Unreadable(
        f"the file is not UTF-8, UTF-16, GBK or Big5 (first bad byte at offset "
        f"{utf8_error.start}); not loaded rather than garbled: save it as UTF-8"
    )


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def _csv_rows(path: Path) -> tuple[list[list[str]], str | None]:
    text, notice = _decode(path.read_bytes())
    sample = text[:8192]
    if path.suffix.lower() == ".tsv" or (sample.count("\t") > sample.count(",") and "\t" in sample):
        delimiter = "\t"
    else:
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter)), notice


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "year") and hasattr(value, "month"):
        return str(value.year)
    return str(value).strip()


def _xlsx_rows(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def rows_of(path: Path) -> tuple[list[list[str]], str | None]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_rows(path), None
    return _csv_rows(path)


def count_rows(path: str | Path) -> int:
    try:
        rows, _ = rows_of(Path(path))
    except Exception:  # noqa: BLE001 - counting is for progress bars only
        return 0
    return max(0, sum(1 for r in rows[1:] if any(c.strip() for c in r)))


def read_spreadsheet(path: str | Path) -> Iterator[SourceRecord | Rejection | Notice]:
    path = Path(path)
    name = str(path)
    try:
        rows, notice = rows_of(path)
    except _Unreadable as err:
        yield Rejection(name, None, None, str(err))
        return
    except Exception as err:  # noqa: BLE001 - openpyxl and csv raise many kinds; each is a reason to report
        yield Rejection(name, None, None, f"cannot read the spreadsheet: {type(err).__name__}: {err}")
        return
    if notice:
        yield Notice(name, None, notice)
    header_at = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
    if header_at is None:
        yield Rejection(name, None, None, "the spreadsheet is empty")
        return
    header = rows[header_at]
    columns: list[str | None] = []
    for i, title in enumerate(header):
        found = column_for(title) if title.strip() else None
        if title.strip() and found is None:
            yield Notice(
                name,
                header_at + 1,
                f"unknown column {title.strip()!r} (column {_letter(i)}): its values are not loaded",
            )
        elif found is not None and found in columns:
            yield Notice(
                name,
                header_at + 1,
                f"column {title.strip()!r} (column {_letter(i)}) repeats "
                f"{COLUMNS[found][0]} {COLUMNS[found][1]}: only the first is loaded",
            )
            found = None
        columns.append(found)
    if "title" not in columns:
        yield Rejection(
            name,
            header_at + 1,
            None,
            "no title column (题名 title): nothing can be loaded; "
            "the first row must name the columns (see docs/local-literature.md)",
        )
        return
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not any(c.strip() for c in row):
            continue
        values = {col: row[i].strip() for i, col in enumerate(columns) if col and i < len(row) and row[i].strip()}
        yield _row_record(name, number, values)


def _row_record(file: str, number: int, values: dict) -> SourceRecord | Rejection:
    ident = values.get("id")
    if not values.get("title"):
        return Rejection(file, number, ident, "no title (题名 title)")
    period = None
    if text := values.get("edition_period"):
        try:
            period = parse_period(text)
        except PeriodError as err:
            return Rejection(file, number, ident, f"edition period (版本年代) {text!r} is not a date: {err}")
    values["_row"] = number
    values["_period"] = period
    warnings = []
    if (v := values.get("sibu")) and sibu.parse(v) is None:
        warnings.append(f"row {number}: four-branch class (四部分类) {v!r} is not 经/史/子/集 部 [类 [属]]; not loaded")
        del values["sibu"]
    if (v := values.get("volumes")) and not re.search(r"\d|[一二三四五六七八九十百]", v):
        warnings.append(f"row {number}: volumes (册数) {v!r} is not a number; kept as text")
    return SourceRecord(file, number, values, warnings)


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
