"""schema.org descriptions of works and editions, for the JSON-LD a page embeds (what search engines read).

Built from the page's own view (no second description of the resource) plus one small query for
what the view shows only as labels (ISBNs of a work's editions, language codes). The shape follows
Google's Book markup and the W3C Schema Bib Extend group's holdings pattern; docs/site.md says why:

* a work is a ``Book`` whose ``workExample`` are its editions; an edition is a ``Book`` with
  ``exampleOfWork`` pointing at its work, ``isbn`` (ISBN-13), ``bookEdition``, ``datePublished``,
  ``publisher``, ``numberOfPages``, ``inLanguage`` (BCP 47) and its ``author``s;
* every member holding copies is an ``Offer`` of the edition (``businessFunction`` LeaseOut: lent, not
  sold) ``offeredBy`` and ``availableAtOrFrom`` that ``Library``, with the call number as ``sku`` and
  the link into the member's own catalogue as ``url``.

``@id`` of each resource is its URI (it resolves to its page), so the markup joins the linked data.
"""

from __future__ import annotations

import re

from graph.identity.normalize import isbn13, year as year_of
from graph.views.common import chunks, node, select, values, without_dates
from graph.store.base import Store

CONTEXT = "https://schema.org"
LEASE_OUT = "http://purl.org/goodrelations/v1#LeaseOut"
# MARC language codes to BCP 47 (what schema.org's inLanguage takes); others pass as they are
BCP47 = {
    "chi": "zh",
    "eng": "en",
    "jpn": "ja",
    "kor": "ko",
    "ger": "de",
    "fre": "fr",
    "spa": "es",
    "rus": "ru",
    "ita": "it",
    "ara": "ar",
    "heb": "he",
    "por": "pt",
    "lat": "la",
    "dut": "nl",
}
MAX_EDITIONS = 20  # editions a work's markup lists (the page's first page of them)


def _languages(store: Store, work) -> list[str]:
    if work is None:
        return []
    rows = select(store, f"SELECT DISTINCT ?l WHERE {{ {node(work)} bf:language ?l }}")
    codes = [r["l"].value.rsplit("/", 1)[-1] for r in rows]
    return sorted({BCP47.get(c, c) for c in codes if c and c not in ("und", "zxx", "mul")})


def _isbns(store: Store, instances: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {i: [] for i in instances}
    for part in chunks([node(i) for i in instances]):
        for r in select(
            store,
            f"""SELECT DISTINCT ?i ?v WHERE {{ {values("i", part)}
                ?i bf:identifiedBy ?x . ?x a bf:Isbn ; rdf:value ?v }}""",
        ):
            key = isbn13(r["v"].value)
            if key and key not in found[r["i"].value]:
                found[r["i"].value].append(key)
    return {i: sorted(v) for i, v in found.items()}


def _people(store: Store, contributors: list[dict]) -> dict[str, list[dict]]:
    """``author`` (the primary contributors) and ``contributor`` (the rest), each a Person or Organization."""
    organisations = set()
    for part in chunks([node(c["iri"]) for c in contributors]):
        organisations |= {
            r["a"].value
            for r in select(
                store,
                f"""SELECT DISTINCT ?a WHERE {{ {values("a", part)}
            ?a a ?t FILTER(?t IN (bf:Organization, bf:Meeting, bf:Jurisdiction)) }}""",
            )
        }
    out: dict[str, list[dict]] = {"author": [], "contributor": []}
    for c in contributors:
        entry = {
            "@type": "Organization" if c["iri"] in organisations else "Person",
            "@id": c["iri"],
            "name": without_dates(c["label"]),
        }
        out["author" if c.get("primary") else "contributor"].append(entry)
    if not out["author"] and out["contributor"]:  # no main entry: the first named is the author
        out["author"].append(out["contributor"].pop(0))
    return out


def _offers(holdings: list[dict], item: str) -> list[dict]:
    offers = []
    for h in holdings:
        library = {"@type": "Library", "@id": h["library"]["iri"], "name": h["library"]["label"]}
        offer = {
            "@type": "Offer",
            "businessFunction": LEASE_OUT,
            "itemOffered": {"@id": item},
            "offeredBy": library,
            "availableAtOrFrom": {"@id": h["library"]["iri"]},
            "availability": "https://schema.org/InStock",
            "inventoryLevel": {"@type": "QuantitativeValue", "value": h["copies"]},
        }
        if h.get("call_numbers"):
            offer["sku"] = h["call_numbers"][0]
        if h.get("catalogue_links"):
            offer["url"] = h["catalogue_links"][0]
        offers.append(offer)
    return offers


def _year(text: str) -> str | None:
    return year_of(text or "")


def _pages(extent: list[str]) -> int | None:
    for text in extent:
        match = re.search(r"(\d+)\s*(?:pages|p\.|页|頁)", text)
        if match:
            return int(match.group(1))
    return None


def _compact(d: dict) -> dict:
    return {k: v for k, v in d.items() if v not in (None, "", [], {})}


def instance_markup(store: Store, view: dict) -> dict:
    """The schema.org ``Book`` of an edition page's view (:func:`graph.views.instance_view`)."""
    iri = view["iri"]
    works = view.get("works") or []
    publication: dict = next((p for p in view.get("publication", []) if p.get("agent") or p.get("date")), {})
    book = {
        "@context": CONTEXT,
        "@type": "Book",
        "@id": iri,
        "url": iri,
        "name": view.get("label"),
        "exampleOfWork": [{"@type": "Book", "@id": w["iri"], "name": w["label"]} for w in works],
        **_people(store, view.get("contributors", [])),
        "isbn": _isbns(store, [iri])[iri],
        "bookEdition": ", ".join(view.get("edition", [])),
        "datePublished": _year(publication.get("date", "")),
        "publisher": _compact({"@type": "Organization", "name": publication.get("agent")})
        if publication.get("agent")
        else None,
        "numberOfPages": _pages(view.get("extent", [])),
        "inLanguage": _languages(store, works[0]["iri"] if works else None),
        "about": [s["label"] for s in view.get("subjects", [])],
        "offers": _offers(view.get("holdings", []), iri),
    }
    return _compact(book)


def work_markup(store: Store, view: dict) -> dict:
    """The schema.org ``Book`` of a work page's view (:func:`graph.views.work_view`), its editions
    (those on the page, at most :data:`MAX_EDITIONS`) as ``workExample``."""
    iri = view["iri"]
    editions = view.get("instances", [])[:MAX_EDITIONS]
    isbns = _isbns(store, [e["iri"] for e in editions])
    languages = _languages(store, iri)
    examples = []
    for e in editions:
        examples.append(
            _compact(
                {
                    "@type": "Book",
                    "@id": e["iri"],
                    "url": e["iri"],
                    "name": e.get("label"),
                    "exampleOfWork": {"@id": iri},
                    "isbn": isbns.get(e["iri"], []),
                    "bookEdition": e.get("edition"),
                    "datePublished": str(e["year"]) if e.get("year") else None,
                    "inLanguage": languages,
                    "offers": _offers(e.get("holdings", []), e["iri"]),
                }
            )
        )
    book = {
        "@context": CONTEXT,
        "@type": "Book",
        "@id": iri,
        "url": iri,
        "name": view.get("label"),
        "alternateName": view.get("other_labels", []),
        **_people(store, view.get("contributors", [])),
        "inLanguage": languages,
        "about": [s["label"] for s in view.get("subjects", [])],
        "workExample": examples,
    }
    return _compact(book)


__all__ = ["instance_markup", "work_markup"]
