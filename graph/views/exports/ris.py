"""RIS (Research Information Systems), the tagged format EndNote, Zotero and Mendeley import.

For a ``BOOK`` the RIS specification gives ``SP`` as the *number of pages* (Zotero's RIS translator
reads it so, as ``numPages``), so ``SP`` carries the bare number ("246"), never the extent statement
("xiv, 246 pages"), which a reference manager would take for a page range; the number of volumes
goes in ``NV``.
"""

from __future__ import annotations

TYPES = {"book": "BOOK"}


def _line(tag: str, value: str) -> str:
    return f"{tag}  - {' '.join(value.split())}"


def ris(rec) -> str:
    lines = [_line("TY", TYPES.get(rec.kind, "BOOK"))]
    lines += [_line("AU", a) for a in rec.authors]
    lines += [_line("A2", e) for e in rec.editors]
    lines.append(_line("TI", rec.title))
    if rec.subtitle:
        lines.append(_line("T2", rec.subtitle))
    for tag, value in (
        ("ET", rec.edition),
        ("CY", rec.place),
        ("PB", rec.publisher),
        ("PY", rec.year),
        ("T3", rec.series),
        ("LA", rec.language),
        ("SP", rec.pages),
        ("NV", rec.volumes),
    ):
        if value:
            lines.append(_line(tag, value))
    lines += [_line("SN", i) for i in rec.isbns]
    lines += [_line("KW", s) for s in rec.subjects]
    lines += [_line("N1", n) for n in rec.notes]
    lines.append(_line("UR", rec.url))
    lines.append("ER  - ")
    return "\r\n".join(lines) + "\r\n"
