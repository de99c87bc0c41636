"""Validation against the alliance's application profile (``vocab/shapes.ttl``, SHACL) and vocabularies.

``validate(triples)`` runs pyshacl over the triples and also checks what SHACL cannot say
cheaply: every bf:/bflc: term is one the BIBFRAME 2.6 / BFLC ontologies define, and no
node is blank. ``validate_path`` takes an RDF file (any format of :mod:`graph.formats`)
or a MARC file (converted first); ``validate_member`` a member's loaded catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

import vocab
from graph.identity.uris import Minter
from graph.load import pipeline
from graph.load.mappers import MappingContext
from graph.load.rdfload import LoadError
from graph.load.report import ConversionReport
from vocab.namespaces import BF, BFLC
from vocab.terms import BFLC_TERMS, BIBFRAME_TERMS

SHAPES = Path(vocab.__file__).resolve().parent / "shapes.ttl"
SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass
class Finding:
    severity: str  # "Violation" or "Warning"
    focus: str
    path: str | None
    message: str

    def __str__(self) -> str:
        where = f"<{self.focus}>" + (f" {self.path}" if self.path else "")
        return f"{self.severity}: {where}: {self.message}"


@dataclass
class ValidationReport:
    triples: int = 0
    findings: list[Finding] = field(default_factory=list)
    undefined_terms: list[str] = field(default_factory=list)
    blank_nodes: int = 0

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "Violation"]

    @property
    def conforms(self) -> bool:
        return not self.violations and not self.undefined_terms and not self.blank_nodes

    def summary(self) -> str:
        verdict = "conforms" if self.conforms else "does NOT conform"
        return (
            f"{self.triples} triples {verdict} to the alliance profile: {len(self.violations)} violations, "
            f"{len(self.warnings)} warnings, {len(self.undefined_terms)} undefined BIBFRAME/BFLC terms, "
            f"{self.blank_nodes} blank nodes"
        )


def undefined_terms(triples: Iterable[tuple]) -> list[str]:
    """bf:/bflc: predicates and classes the ontologies do not define."""
    bad = set()
    for _, p, o in triples:
        for term in (p.value, o.value if isinstance(o, ox.NamedNode) and p.value == RDF_TYPE else ""):
            if term.startswith(BF.base) and term[len(BF.base) :] not in BIBFRAME_TERMS:
                bad.add(term)
            elif term.startswith(BFLC.base) and term[len(BFLC.base) :] not in BFLC_TERMS:
                bad.add(term)
    return sorted(bad)


def validate(triples: Iterable[tuple]) -> ValidationReport:
    """Check triples (pyoxigraph terms) against the shapes and the closed vocabularies."""
    import rdflib
    from pyshacl import validate as shacl

    triples = list(triples)
    report = ValidationReport(triples=len(triples))
    report.undefined_terms = undefined_terms(triples)
    report.blank_nodes = sum(isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode) for s, _, o in triples)
    data = rdflib.Graph()
    nt = "".join(f"{s} {p} {o} .\n" for s, p, o in triples)
    data.parse(data=nt, format="nt")
    shapes = rdflib.Graph().parse(SHAPES, format="turtle")
    _, results, _ = shacl(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, abort_on_first=False
    )
    sh = rdflib.Namespace(SH)
    for result in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        severity = str(results.value(result, sh.resultSeverity)).rsplit("#", 1)[-1]
        path = results.value(result, sh.resultPath)
        report.findings.append(
            Finding(
                severity,
                str(results.value(result, sh.focusNode)),
                str(path) if path is not None else None,
                str(results.value(result, sh.resultMessage) or ""),
            )
        )
    return report


def validate_path(
    path: str | Path, *, member: str = "CHECK", base: str = "http://alliance.invalid/", format: str | None = None
) -> ValidationReport:
    """An RDF file as it is, or a source file (MARC, CNMARC, a spreadsheet) as its converter makes it."""
    from graph.load import dialects

    try:
        dialect = dialects.detect(path, format)
    except dialects.UnknownDialect as err:
        if format:  # the user named a format this file is not
            raise LoadError(str(err)) from err
        dialect = None
    if dialect is None or (not format and _is_rdf(path)):
        from graph.load.rdfload import read_rdf

        return validate(read_rdf(path))
    return validate(_converted(path, dialect, member, base))


def _is_rdf(path) -> bool:
    from graph.formats import UnknownFormat, for_path

    try:
        serialisation, _ = for_path(path)
    except UnknownFormat:
        return False
    if serialisation.name != "rdfxml":
        return True
    with open(path, "rb") as fh:
        head = fh.read(4096)
    return b"rdf:RDF" in head or b"22-rdf-syntax-ns" in head


def _converted(path, dialect, member: str, base: str) -> list[tuple]:
    ctx = MappingContext(Minter(base), member.upper())
    data = b"".join(pipeline.convert_stream([pipeline.Source(str(path), dialect)], ctx, ConversionReport(), workers=1))
    return [(t.subject, t.predicate, t.object) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]


def validate_alliance(store) -> ValidationReport:
    """Every triple of the default graph: the whole alliance as SPARQL users and pages see it."""
    return validate(
        {(t.subject, t.predicate, t.object) for t in store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")}
    )


def validate_member(store, code: str) -> ValidationReport:
    """Every triple of a member's active batches."""
    triples = [(q.subject, q.predicate, q.object) for batch in store.batches(code) for q in store.quads_in(batch.graph)]
    return validate(triples)
