"""What a UNIMARC/CNMARC record says about its edition and work, for matching (:class:`graph.identity.match.Evidence`)."""

from __future__ import annotations

import pymarc

from graph.identity.match import Evidence
from graph.load.mappers.marc21_identity import content_digest
from graph.load.mappers.unimarc_access import agent_name, clean, embedded, pinyin_of, subs


def evidence(record: pymarc.Record, member: str, control: str, coded: str) -> Evidence:
    ev = Evidence(member=member, control=control)
    ev.content = content_digest(record.fields)
    f101 = next(iter(record.get_fields("101")), None)
    languages = [v.lower() for v in subs(f101, "a")] if f101 is not None else []
    ev.language = languages[0] if languages else coded[22:25].strip().lower()
    originals = [v.lower() for v in subs(f101, "c")] if f101 is not None else []
    ev.original_language = originals[0] if len(set(originals)) == 1 else ""
    translated = [t for f in record.get_fields("454") if (t := _linked_title(f))]
    ev.translation = ((f101 is not None and f101.indicator1 == "1") or bool(translated)) and not (
        ev.original_language and ev.original_language == ev.language
    )
    for field in record.get_fields("010"):
        qualifier = " ".join(subs(field, "b"))
        ev.isbns += [(v, qualifier) for v in subs(field, "a")]
    ev.issns = [v for f in record.get_fields("011") for v in subs(f, "a")]
    t200 = next(iter(record.get_fields("200")), None)
    if t200 is not None:
        ev.part = clean(" ".join(subs(t200, "h")))
        ev.titles.append(clean(" ".join(subs(t200, "a") + subs(t200, "h"))))
        if pinyin := pinyin_of(t200, "a"):
            ev.titles.append(clean(" ".join(pinyin + pinyin_of(t200, "h"))))
    for tag in ("700", "710", "720", "701", "711", "721"):
        agent = next(iter(record.get_fields(tag)), None)
        if agent is not None:
            name, _ = agent_name(agent)
            ev.authors.append(name)
            ev.corporate = tag[1] != "0"
            ev.authors += pinyin_of(agent, "a")[:1]
            break
    for field in record.get_fields("500"):
        ev.work_titles.append(clean(" ".join(subs(field, "a"))))
    if ev.translation:  # the translated work: 454 "Translation of", else the uniform title
        ev.original_titles = translated[:1] or ev.work_titles[:1]
    pub = next(iter(record.get_fields("210", "214")), None)
    if pub is not None:
        ev.date = next(iter(subs(pub, "d")), None)
        ev.publisher = clean(next(iter(subs(pub, "c")), ""))
    if not ev.date and coded[9:13].strip().isdigit():
        ev.date = coded[9:13]
    ev.edition = next((clean(" ".join(subs(f, "a"))) for f in record.get_fields("205")), None)
    ev.carrier = " ".join(v for f in record.get_fields("200") for v in subs(f, "b"))  # GMD: 电子资源, 缩微品
    ev.subtitles = [clean(v) for f in record.get_fields("200") for v in subs(f, "e")][:1]
    ev.extent = next((clean(" ".join(subs(f, "a"))) for f in record.get_fields("215")), "")
    return ev


def _linked_title(field) -> str:
    """The title a 4XX linking field names (embedded 200 $a, else $t)."""
    groups = embedded(field)
    return clean(" ".join([v for c, v in groups.get("200", []) if c == "a"] or [v for c, v in groups[""] if c == "t"]))
