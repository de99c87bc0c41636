"""Match keys: which records describe the same Instance, the same Work, the same agent.

Identifiers first (ISBN-13, then LCCN), then normalised title + date + publisher.
The keys feed :class:`graph.identity.uris.Minter`, so equal keys mean equal URIs.
"""

from __future__ import annotations

from graph.identity.normalize import isbn13, lccn, text_key, year


def instance_key(
    *, isbns=(), lccn_value=None, title="", date=None, publisher=None, member="", control_number=""
) -> str:
    for raw in isbns:
        norm = isbn13(raw)
        if norm:
            return f"isbn:{norm}"
    norm_lccn = lccn(lccn_value)
    if norm_lccn:
        return f"lccn:{norm_lccn}"
    tkey = text_key(title)
    if tkey:
        return f"tdp:{tkey}|{year(date) or ''}|{text_key(publisher)[:24]}"
    return f"local:{member.lower()}|{control_number}"


def work_key(*, title="", author="", language="") -> str:
    return f"{text_key(title)}|{text_key(author)}|{language or ''}"


def agent_key(name: str, kind: str = "") -> str:
    return f"{kind}|{text_key(name)}"


def subject_key(label: str, kind: str = "") -> str:
    return f"{kind}|{text_key(label)}"
