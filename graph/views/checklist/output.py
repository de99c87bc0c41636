"""A checked list written back as a spreadsheet: the vendor's columns, then what the alliance holds.

CSV (UTF-8 with a byte-order mark, so spreadsheet programs open Chinese right) or XLSX (the
lines on one sheet, the summary on a second). Bad rows stay in the file, in their place, with
the reason in the verdict column, so the file still has every line of the list.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from graph.views.checklist.check import CheckReport
from graph.views.checklist.lines import COLUMNS

# output column -> (English, Chinese)
HEADERS = {
    "row": ("row", "行号"),
    "rank": ("rank", "排序"),
    "verdict": ("verdict", "判定"),
    "holders": ("holders (copies)", "收藏馆（册数）"),
    "members": ("members holding", "收藏馆数"),
    "copies": ("copies", "册数"),
    "edition": ("matched edition", "匹配版本"),
    "edition_title": ("title in the alliance", "联盟题名"),
    "work": ("work", "作品"),
    "other_holders": ("other editions held by", "其他版本收藏馆"),
    "other_editions": ("other editions", "其他版本"),
    "warnings": ("notes", "说明"),
}
SUMMARY = {  # summary key -> (English, Chinese)
    "rows": ("rows in the list", "清单行数"),
    "checked": ("lines checked", "已查行数"),
    "bad": ("bad rows", "无法查重行数"),
    "held": ("held in the alliance (this edition)", "联盟已有（同一版本）"),
    "held_here": ("held by this member", "本馆已有"),
    "other_edition": ("another edition held", "联盟有其他版本"),
    "not_held": ("not held", "联盟未收藏"),
    "priced": ("lines with a price", "有价格的行"),
    "price_total": ("total price of the list", "清单总价"),
    "price_held": ("of which already held", "其中联盟已有"),
    "price_other_edition": ("of which another edition held", "其中联盟有其他版本"),
    "price_held_share": ("share of the price already held", "已有金额占比"),
}


def _h(key: str, lang: str, table=HEADERS) -> str:
    en, zh = table[key]
    return zh if lang.startswith("zh") else en


def table(report: CheckReport, lang: str = "en", sort: str = "row") -> list[list]:
    """The header and one row per line of the list (bad rows included, in list order unless sorted)."""
    given = [c for c in COLUMNS if c in report.columns]
    header = [_h("row", lang)] + [COLUMNS[c][0] if lang.startswith("zh") else COLUMNS[c][1] for c in given]
    header += [
        _h(k, lang)
        for k in (
            "rank",
            "verdict",
            "members",
            "copies",
            "holders",
            "edition",
            "edition_title",
            "work",
            "other_holders",
            "other_editions",
            "warnings",
        )
    ]
    rows: list[tuple[tuple, list]] = []
    for c in report.sorted(sort):
        line = c.line
        rows.append(
            (
                (c.rank, line.row) if sort == "verdict" else (0, line.row),
                [
                    line.row,
                    *(line.values.get(k, "") for k in given),
                    c.rank,
                    c.verdict_text(lang),
                    len(c.holders),
                    sum(c.holders.values()),
                    _holders(c.holders),
                    " ".join(c.found.instances),
                    " | ".join(t for t in c.titles.values() if t),
                    " ".join(c.found.works),
                    _holders(c.other_holders),
                    " ".join(c.found.editions),
                    "; ".join(line.warnings),
                ],
            )
        )
    for bad in report.bad:
        blank = [""] * (len(header) - 3 - len(given))
        rows.append(
            (
                (9 if sort == "verdict" else 0, bad.row),
                [
                    bad.row,
                    *([""] * len(given)),
                    9,
                    ("无法查重：" if lang.startswith("zh") else "bad row: ") + bad.reason,
                    *blank,
                ],
            )
        )
    rows.sort(key=lambda r: r[0])
    return [header] + [r for _, r in rows]


def _holders(held: dict[str, int]) -> str:
    return "; ".join(f"{code} {n}" for code, n in held.items())


def summary_rows(report: CheckReport, lang: str = "en") -> list[list]:
    s = report.summary()
    return [[_h(k, lang, SUMMARY), s[k]] for k in SUMMARY]


def to_csv(report: CheckReport, lang: str = "en", sort: str = "row") -> str:
    buf = io.StringIO()
    csv.writer(buf).writerows(table(report, lang, sort))
    return "\ufeff" + buf.getvalue()


def to_xlsx(report: CheckReport, lang: str = "en", sort: str = "row") -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "查重结果" if lang.startswith("zh") else "checked"
    for row in table(report, lang, sort):
        sheet.append(row)
    sheet.freeze_panes = "A2"
    summary = book.create_sheet("汇总" if lang.startswith("zh") else "summary")
    for row in summary_rows(report, lang):
        summary.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def write(report: CheckReport, path: str | Path, lang: str = "en", sort: str = "row") -> Path:
    """Write the checked list as .xlsx or .csv (by the file name); written beside and renamed when complete."""
    path = Path(path)
    body = (
        to_xlsx(report, lang, sort)
        if path.suffix.lower() in (".xlsx", ".xlsm")
        else to_csv(report, lang, sort).encode("utf-8")
    )
    part = path.with_name(path.name + ".part")
    part.write_bytes(body)
    part.replace(path)
    return path
