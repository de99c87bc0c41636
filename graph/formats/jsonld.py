"""JSON-LD that people and JSON programs can read: an ``@context`` of the catalogue's prefixes.

pyoxigraph writes expanded JSON-LD (every property a full IRI, ``rdf:type`` as a property, no
``@context``). :func:`with_context` turns that into the same graph in compacted form:
``{"@context": {"bf": "http://id.loc.gov/ontologies/bibframe/", ...}, "@graph": [...]}`` with
properties as compact IRIs (``bf:title``), ``rdf:type`` as ``@type`` and the context's prefixes
only. The triples are the same (the tests read both back and compare); nothing is fetched to
expand it, since the context is inline.
"""

from __future__ import annotations

import json

from pyoxigraph import RdfFormat, serialize

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _compactor(prefixes: dict[str, str]):
    ordered = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))  # longest namespace first

    def compact(iri: str) -> str:
        for prefix, ns in ordered:
            if iri.startswith(ns) and len(iri) > len(ns):
                local = iri[len(ns) :]
                # a compact IRI must not look like an IRI with an authority, nor hold characters
                # a prefix:local form cannot (keep the full IRI then)
                if not local.startswith("//") and all(c.isalnum() or c in "_-." for c in local):
                    return f"{prefix}:{local}"
        return iri

    return compact


def with_context(body: bytes | str, prefixes: dict[str, str]) -> bytes:
    """Expanded JSON-LD (a list of node objects) as compacted JSON-LD with an inline ``@context``."""
    nodes = json.loads(body or "[]")
    if isinstance(nodes, dict):
        nodes = nodes.get("@graph", [nodes])
    compact = _compactor(prefixes)
    used: set[str] = set()

    def note(term: str) -> str:
        if ":" in term and not term.startswith(("http:", "https:", "urn:", "_:")):
            used.add(term.split(":", 1)[0])
        return term

    graph = []
    for node in nodes:
        out: dict = {}
        for key, value in node.items():
            if key == RDF_TYPE:
                out["@type"] = [note(compact(v["@id"])) if "@id" in v else v for v in value]
            elif key.startswith("@"):
                out[key] = value
            else:
                out[note(compact(key))] = [_datatype(v, compact, note) for v in value]
        graph.append(out)
    context = {p: ns for p, ns in prefixes.items() if p in used}
    return json.dumps({"@context": context, "@graph": graph}, ensure_ascii=False).encode("utf-8")


def _datatype(value, compact, note):
    if isinstance(value, dict) and "@type" in value and "@value" in value:
        return {**value, "@type": note(compact(value["@type"]))}
    return value


def serialise(triples, fmt, prefixes: dict[str, str]) -> bytes:
    """``pyoxigraph.serialize`` of ``triples`` in ``fmt`` (an RdfFormat), JSON-LD with its ``@context``."""
    body = serialize(triples, format=fmt, prefixes=prefixes) or b""
    return with_context(body, prefixes) if fmt == RdfFormat.JSON_LD else body


__all__ = ["serialise", "with_context"]
