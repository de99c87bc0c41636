"""Identity resolvers: which Instance and Work URI a mapped record gets.

Mappers ask ``ctx.identity.resolve(evidence)`` and get a :class:`Resolved` pair of IRIs.

* :class:`KeyIdentity` (the default) mints a digest of one match key each, in the record
  alone: no memory, no clustering across key kinds.
* :class:`graph.identity.clusters.ClusterIndex` keeps every member record's signature in a
  persistent index, clusters records by the pairwise rules of :mod:`graph.identity.match`,
  and names each cluster after its canonical key, so any load order gives the same URIs.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import NamedNode

from graph.identity import keys
from graph.identity.match import Evidence
from graph.identity.uris import Minter


class ResolutionFailed(Exception):
    """Resolving one record's identity raised an unexpected error (a bug in the resolver, not the machine).

    The resolver has left its state as it was before that record; the load rejects the record, with
    this one-line reason naming the internal error, and goes on (:mod:`graph.load.pipeline`).
    """

    def __init__(self, error: BaseException):
        detail = " ".join(str(error).split())
        super().__init__(f"identity resolution failed: {type(error).__name__}" + (f": {detail}" if detail else ""))


@dataclass(frozen=True)
class Resolved:
    instance: NamedNode
    work: NamedNode
    original: NamedNode | None = None  # the Work a translation translates (cluster index only)


class KeyIdentity:
    """URIs from one match key per record (identifier first, else title/date/publisher)."""

    def __init__(self, minter: Minter):
        self.minter = minter

    def resolve(self, ev: Evidence) -> Resolved:
        title = ev.titles[0] if ev.titles else ""
        instance = self.minter.instance(
            keys.instance_key(
                isbns=[raw for raw, _ in ev.isbns],
                lccn_value=ev.lccns[0] if ev.lccns else None,
                title=title,
                date=ev.date,
                publisher=ev.publisher,
                member=ev.member,
                control_number=ev.control,
            )
        )
        work_title = ev.work_titles[0] if ev.work_titles else title
        work = self.minter.work(
            keys.work_key(title=work_title, author=ev.authors[0] if ev.authors else "", language=ev.language)
        )
        return Resolved(instance, work)
