"""An edition as its members catalogued it: their source records as MARCXML, and a labelled view of them.

The records come from :class:`graph.load.archive.SourceArchive`, found by the control numbers each
member's admin metadata carries; an edition whose members sent no MARC has none.
"""

from __future__ import annotations

from graph.load.archive import ArchivedRecord, SourceArchive, marcxml_collection
from graph.views.common import node
from graph.views.holdings import local_ids
from graph.store.base import Store
from vocab import cnmarc_labels
from vocab.marc21_labels import field_label


def source_records(store: Store, archive: SourceArchive | None, iri) -> list[ArchivedRecord]:
    if archive is None:
        return []
    inst = node(iri)
    wanted = [
        (lib.rsplit("/", 1)[-1], control)
        for (_, lib), controls in local_ids(store, [inst]).items()
        for control in controls
    ]
    return archive.records(sorted(wanted), (g.value for g in store.active_graphs()))


def marcxml(records: list[ArchivedRecord]) -> bytes | None:
    return marcxml_collection(records) if records else None


def _label(scheme: str, tag: str, lang: str) -> str:
    if scheme == "unimarc":
        pair = cnmarc_labels.FIELDS.get(tag)
        return (pair[0] if lang.startswith("zh") else pair[1] or pair[0]) if pair else ""
    return field_label(tag, lang)


def labelled_fields(rec: ArchivedRecord, lang: str) -> list[dict]:
    """The record's fields with their names in ``lang`` (MARC 21 or CNMARC, by the record's scheme)."""
    record = rec.record()
    if record is None:
        return []
    out = [
        {
            "tag": "LDR",
            "label": "Leader" if not lang.startswith("zh") else "头标",
            "indicators": "",
            "text": str(record.leader),
        }
    ]
    for f in record.fields:
        if f.is_control_field():
            text, indicators = f.data, ""
        else:
            text = " ".join(f"${s.code} {s.value}" for s in f.subfields)
            indicators = "".join(i if i.strip() else "_" for i in f.indicators)
        out.append({"tag": f.tag, "label": _label(rec.scheme, f.tag, lang), "indicators": indicators, "text": text})
    return out
