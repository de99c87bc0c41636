"""Member libraries: resources of their own in the alliance graph (code, names in zh/en, OPAC link)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from graph.identity.uris import Minter
from graph.store.base import Store
from vocab.namespaces import ALLIANCE, BF, RDF, RDFS, sparql_prefixes

CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")


class MemberError(ValueError):
    """A member code or description that cannot be used."""


@dataclass
class Member:
    code: str
    name: str
    name_zh: str | None = None
    opac: str | None = None
    iri: str | None = None

    def opac_link(self, local_id: str) -> str | None:
        """The member's own catalogue page for one of its records, if it gave a pattern."""
        if not self.opac or not local_id:
            return None
        from urllib.parse import quote

        return self.opac.replace("{id}", quote(local_id, safe=""))


def check_code(code: str) -> str:
    if not CODE.match(code or ""):
        raise MemberError(f"member code {code!r} must be a letter followed by up to 31 letters, digits, '-' or '_'")
    return code.upper()


def member_triples(member: Member, minter: Minter) -> list[tuple]:
    lib = minter.library(member.code)
    triples = [
        (lib, RDF.type, ALLIANCE.MemberLibrary),
        (lib, RDF.type, BF.Organization),
        (lib, RDF.type, BF.Agent),
        (lib, ALLIANCE.code, Literal(member.code)),
        (lib, RDFS.label, Literal(member.name, language="en")),
    ]
    if member.name_zh:
        triples.append((lib, RDFS.label, Literal(member.name_zh, language="zh-Hans")))
    if member.opac:
        triples.append((lib, ALLIANCE.opacPattern, Literal(member.opac)))
    return triples


def add_member(store: Store, minter: Minter, member: Member) -> Member:
    """Create or update a member library's description."""
    member.code = check_code(member.code)
    if not member.name or not member.name.strip():
        raise MemberError("a member needs a name")
    if member.opac and not member.opac.startswith(("http://", "https://")):
        raise MemberError(f"OPAC pattern {member.opac!r} must be an http(s) URL with {{id}} in it")
    store.set_alliance_triples(minter.library(member.code), member_triples(member, minter))
    member.iri = minter.library(member.code).value
    return member


def list_members(store: Store) -> list[Member]:
    query = (
        sparql_prefixes()
        + """
    SELECT ?lib ?code ?en ?zh ?opac WHERE {
      ?lib a alliance:MemberLibrary ; alliance:code ?code .
      OPTIONAL { ?lib rdfs:label ?en FILTER(lang(?en) = "en") }
      OPTIONAL { ?lib rdfs:label ?zh FILTER(langMatches(lang(?zh), "zh")) }
      OPTIONAL { ?lib alliance:opacPattern ?opac }
    } ORDER BY ?code"""
    )
    members = {}
    for row in store.query(query):
        code = row["code"].value
        if code not in members:
            members[code] = Member(
                code=code,
                name=row["en"].value if row["en"] else code,
                name_zh=row["zh"].value if row["zh"] else None,
                opac=row["opac"].value if row["opac"] else None,
                iri=row["lib"].value,
            )
    return list(members.values())


def get_member(store: Store, code: str) -> Member | None:
    code = code.upper()
    return next((m for m in list_members(store) if m.code == code), None)


def library_iri(minter: Minter, code: str) -> NamedNode:
    return minter.library(code)
