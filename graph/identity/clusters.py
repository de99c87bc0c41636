"""The cluster index: every member record's match signature, and the Instance/Work clusters they form.

A SQLite file in the catalogue's data directory. Each record (member + control number)
keeps its signature (:func:`graph.identity.match.signature`) and the instance and work
cluster it belongs to; block keys (identifiers, title + year, work title + author) find
the candidates a new record is compared with, so adding a member compares its records with
the clusters they could join and never re-matches the alliance.

Clusters are the connected components of the pairwise rules in :mod:`graph.identity.match`
(a record in the same instance cluster is also in the same work cluster). A translation is a Work of
its own; the work it translates is kept as one more record of the member (control number +
:data:`ORIGINAL`, work keys only, no instance cluster), so it joins the original's records in any load
order and the translation's ``bf:translationOf`` follows that cluster's id. A cluster is named
by its canonical key (its smallest identifier, else title key), digested into the URI: the
same records loaded in any order give the same URIs. When a load joins two clusters, or
changes a cluster's canonical key, the old id is *retired* with its survivor (an HTTP 301,
forever) and a rename is handed to the store, which rewrites the old IRI in the same
transaction that switches the new batch on.

Loads are transactions: :meth:`ClusterIndex.begin` gives a :class:`Load` (the mapper's
``ctx.identity``); :meth:`Load.commit` after the store switched the batch on, :meth:`Load.rollback`
when it did not.

A process that dies between the store's switch and the index's commit leaves the index one load
behind the store. Each load has a *generation* (a counter the commit advances), and the store
records it on the batch it switches on (``alliance:indexGeneration``); a batch whose generation
the index has not reached is such a load. :meth:`ClusterIndex.behind` finds it, and
:meth:`Load.catch_up` lets only that same load run next (it brings the index up to date) and
refuses any other with the command to run. What each load was asked to do (member, files,
``--replace``, format, collection) is saved before its transaction starts, so the command is exact.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator
from pathlib import Path

from pyoxigraph import NamedNode

from graph.identity.match import (
    Evidence,
    instance_blocks,
    instance_canon,
    original_signature,
    same_instance,
    same_work,
    signature,
    work_blocks,
    work_canon,
)
from graph.faults import MACHINE_FAULTS
from graph.identity.resolver import ResolutionFailed, Resolved
from graph.identity.uris import Minter, digest

KINDS = {"i": "instance", "w": "work"}
# the control number under which a translation's record keeps the work it translates (work clusters only)
ORIGINAL = "\u241foriginal"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS records (
  rid INTEGER PRIMARY KEY, member TEXT NOT NULL, control TEXT NOT NULL, sig TEXT NOT NULL,
  icl INTEGER, wcl INTEGER, seen INTEGER NOT NULL, UNIQUE (member, control));
CREATE INDEX IF NOT EXISTS records_icl ON records (icl);
CREATE INDEX IF NOT EXISTS records_wcl ON records (wcl);
CREATE TABLE IF NOT EXISTS blocks (key TEXT NOT NULL, rid INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS blocks_key ON blocks (key);
CREATE INDEX IF NOT EXISTS blocks_rid ON blocks (rid);
CREATE TABLE IF NOT EXISTS clusters (
  cid INTEGER PRIMARY KEY, kind TEXT NOT NULL, canon TEXT NOT NULL, ident TEXT NOT NULL, size INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS clusters_canon ON clusters (kind, canon);
CREATE INDEX IF NOT EXISTS clusters_ident ON clusters (kind, ident);
CREATE TABLE IF NOT EXISTS retired (kind TEXT NOT NULL, ident TEXT NOT NULL, survivor TEXT NOT NULL,
  PRIMARY KEY (kind, ident));
"""


class IndexBehind(Exception):
    """The store holds a load the cluster index never committed; run that load again first."""


@dataclass(frozen=True)
class Rename:
    """``old`` now answers as ``new``: everywhere, or only in these members' data (a split)."""

    old: NamedNode
    new: NamedNode
    members: frozenset[str] | None = None


@dataclass(frozen=True)
class Found:
    """What :meth:`ClusterIndex.lookup` finds: instance, work and other-edition IRIs (sorted)."""

    instances: tuple[str, ...]
    works: tuple[str, ...]
    editions: tuple[str, ...]  # other instance clusters of the same works


class ClusterIndex:
    """The persistent cluster index of one catalogue (one writer at a time)."""

    FILE = "clusters.sqlite"

    def __init__(self, path: str | Path, minter: Minter):
        self.path = str(path)
        self.minter = minter
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA cache_size=-262144")
        self.db.execute("PRAGMA temp_store=MEMORY")
        self.db.executescript(SCHEMA)
        self._read_lock = threading.Lock()

    @classmethod
    def in_dir(cls, data_dir: str | Path, minter: Minter) -> "ClusterIndex":
        return cls(Path(data_dir) / cls.FILE, minter)

    def begin(
        self, member: str, *, replace: bool = False, files=(), format: str | None = None, collection: str | None = None
    ) -> "Load":
        """Start one member's load (a transaction of the index); ``files``, ``format`` and ``collection``
        are kept (outside the transaction) to name the command should the index be left behind."""
        return Load(
            self,
            member.upper(),
            replace,
            {"files": [str(f) for f in files], "format": format, "collection": collection},
        )

    # the store's side of a load ---------------------------------------------------------
    def generation(self) -> int:
        """The generation of the last load the index committed (0 before any)."""
        row = self.db.execute("SELECT value FROM meta WHERE name='generation'").fetchone()
        return int(row[0]) if row else 0

    def behind(self, batches, done: int | None = None) -> list:
        """The store's batches (:class:`graph.store.base.Batch`) that a load the index never committed
        switched on: their generation is past the index's (``done``). Empty when the index is up to date."""
        done = self.generation() if done is None else done
        return [b for b in batches if b.index_generation is not None and b.index_generation > done]

    def lag(self, batches, intent: dict | None = None, done: int | None = None) -> str | None:
        """What is wrong and what to run, if the index is behind the store (else None)."""
        late = self.behind(batches, done)
        if not late:
            return None
        batch = max(late, key=lambda b: b.index_generation)
        intent = intent if intent is not None else self.intent()
        if not intent or intent.get("generation") != batch.index_generation:
            intent = {"member": batch.member, "files": batch.sources, "replace": False}
        command = ["alliance", "ingest", "--member", intent.get("member") or batch.member or "?"]
        command += ["--replace"] if intent.get("replace") else []
        command += ["--format", intent["format"]] if intent.get("format") else []
        command += ["--collection", intent["collection"]] if intent.get("collection") else []
        command += intent.get("files") or batch.sources
        return (
            f"the cluster index is one load behind the store: {batch.member}'s load of "
            f"{', '.join(batch.sources) or 'its files'} (batch <{batch.graph.value}>) was switched on, but the "
            f"process stopped before the index saved it. Run that load again to bring the index up to "
            f"date before any other: {' '.join(_quote(c) for c in command)}"
        )

    def intent(self) -> dict | None:
        """What the last load that started was asked to do (see :meth:`begin`)."""
        row = self.db.execute("SELECT value FROM meta WHERE name='intent'").fetchone()
        return json.loads(row[0]) if row else None

    # reading ---------------------------------------------------------------------------
    def survivor(self, kind: str, ident: str) -> str | None:
        """The live id a retired ``kind`` ("instance"/"work") id answers with, or None if not retired."""
        code = kind[0]
        seen = set()
        current = None
        while ident not in seen:
            seen.add(ident)
            row = self.db.execute("SELECT survivor FROM retired WHERE kind=? AND ident=?", (code, ident)).fetchone()
            if row is None:
                break
            current = ident = row[0]
        return current

    def redirect(self, iri: str) -> str | None:
        """The survivor's IRI for a retired instance/work IRI (fragment kept), else None."""
        ref = self.minter.parse(iri)
        if ref is None or ref.kind not in ("instance", "work"):
            return None
        with self._read_lock:
            survivor = self.survivor(ref.kind, ref.id)
        if survivor is None:
            return None
        return self.minter.resource(ref.kind, survivor).value + (f"#{ref.fragment}" if ref.fragment else "")

    def clusters_of(self, member: str | None = None) -> dict[tuple[str, str], tuple[str, str]]:
        """(member, control) -> (instance id, work id) for every record (of one member)."""
        sql = (
            "SELECT r.member, r.control, i.ident, w.ident FROM records r "
            "JOIN clusters i ON i.cid = r.icl JOIN clusters w ON w.cid = r.wcl"
        )
        args: tuple = ()
        if member:
            sql += " WHERE r.member = ?"
            args = (member.upper(),)
        return {(m, c): (i, w) for m, c, i, w in self.db.execute(sql, args)}

    def lookup(self, ev: Evidence, open_year: bool = False) -> "Found":
        """The clusters a record with this evidence would join if it were loaded now, without loading it.

        The same blocks and pairwise rules as :meth:`Load.resolve`: the instance clusters holding a
        record it matches (two when the record would merge them), the works of those, and every work
        whose records it matches as a work; ``editions`` are every instance cluster of those works.
        With ``open_year``, evidence that gives no year (a purchase list without one) takes the year
        of each record it is compared with, instead of counting as a different year.
        """
        sig = signature(ev)
        open_year = open_year and not sig["y"]
        with self._read_lock:
            db = self.db
            sigs: dict[int, dict] = {}

            def sig_of(rid: int) -> dict:
                if rid not in sigs:
                    sigs[rid] = json.loads(db.execute("SELECT sig FROM records WHERE rid=?", (rid,)).fetchone()[0])
                return sigs[rid]

            def candidates(blocks: list[str]) -> list[int]:
                found: set[int] = set()
                for key in dict.fromkeys(blocks):
                    if open_year and key.startswith("t:"):  # "t:title|": the title with any year
                        found.update(
                            r
                            for (r,) in db.execute(
                                "SELECT rid FROM blocks WHERE key >= ? AND key < ?", (key, key + "\uffff")
                            )
                        )
                    else:
                        found.update(r for (r,) in db.execute("SELECT rid FROM blocks WHERE key=?", (key,)))
                return sorted(found)

            def same(other: dict) -> bool:
                return same_instance({**sig, "y": other["y"]} if open_year else sig, other)

            icls = {
                db.execute("SELECT icl FROM records WHERE rid=?", (r,)).fetchone()[0]
                for r in candidates(instance_blocks(sig))
                if same(sig_of(r))
            }
            wcls = {db.execute("SELECT wcl FROM records WHERE icl=? LIMIT 1", (c,)).fetchone()[0] for c in icls}
            wcls |= {
                db.execute("SELECT wcl FROM records WHERE rid=?", (r,)).fetchone()[0]
                for r in candidates(work_blocks(sig))
                if same_work(sig, sig_of(r))
            }
            editions = {c for w in wcls for (c,) in db.execute("SELECT DISTINCT icl FROM records WHERE wcl=?", (w,))}
            icls.discard(None)  # a translation's original is a work without editions of its own here
            wcls.discard(None)
            editions.discard(None)
            ident = {
                c: db.execute("SELECT ident FROM clusters WHERE cid=?", (c,)).fetchone()[0]
                for c in icls | wcls | editions
            }
        inst = lambda cids: tuple(sorted(self.minter.resource("instance", ident[c]).value for c in cids))  # noqa: E731
        return Found(
            instances=inst(icls),
            works=tuple(sorted(self.minter.resource("work", ident[c]).value for c in wcls)),
            editions=inst(editions - icls),
        )

    def stats(self) -> dict:
        one = lambda sql: self.db.execute(sql).fetchone()[0]  # noqa: E731
        # records of editions, and the works they are of: not the originals translations name (ORIGINAL)
        return {
            "records": one("SELECT count(*) FROM records WHERE icl IS NOT NULL"),
            "instances": one("SELECT count(*) FROM clusters WHERE kind='i'"),
            "works": one("SELECT count(DISTINCT wcl) FROM records WHERE icl IS NOT NULL"),
            "retired": one("SELECT count(*) FROM retired"),
        }

    def close(self) -> None:
        self.db.close()


class Load:
    """One member's load into the index: the ``ctx.identity`` its mapper asks."""

    def __init__(self, index: ClusterIndex, member: str, replace: bool, intent: dict | None = None):
        self.index = index
        self.db = index.db
        self.minter = index.minter
        self.member = member
        self.replace = replace
        self.renames: list[tuple[str, str, str, frozenset | None]] = []  # kind, old, new, members
        self._sigs: dict[int, dict] = {}
        self._pending: set[tuple[str, int]] = set()  # clusters whose id may have changed
        self._retiring: list[tuple[str, str, int]] = []  # (kind, id, cluster it merged into)
        self._old_canons: set[tuple[str, str]] = set()  # canonical keys a cluster just left
        # what this load is asked to do, saved before its transaction (a crash after the store's switch
        # must still be able to name it); the one before it is kept for catch_up
        self.previous = index.intent()
        self.intent = {"generation": index.generation() + 1, "member": member, "replace": replace, **(intent or {})}
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('intent', ?)", (json.dumps(self.intent),))
        self.db.execute("BEGIN IMMEDIATE")
        row = self.db.execute("SELECT value FROM meta WHERE name='generation'").fetchone()
        self.generation = int(row[0]) + 1 if row else 1
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (str(self.generation),))
        self.done = False
        self._in_record = False  # inside record(): its SAVEPOINT covers resolve too

    # the mapper's side -------------------------------------------------------------------
    def resolve(self, ev: Evidence) -> Resolved:
        """The record's Instance, Work (and a translation's original) IRIs; the record joins its clusters.

        Each record is a SAVEPOINT inside the load's transaction (:meth:`record`, which the one-process
        road also wraps around the record's whole mapping): should resolving it raise, the index (its
        tables and this load's own bookkeeping) is left exactly as it was before the record. A
        machine fault (:data:`graph.faults.MACHINE_FAULTS`), an interrupt or an exit propagates as it is
        (the load stops); any other error becomes :class:`ResolutionFailed` (the load rejects the record).
        """
        if self._in_record:  # inside record(): its SAVEPOINT undoes this record
            try:
                return self._resolve(ev)
            except Exception as err:
                if isinstance(err, MACHINE_FAULTS):
                    raise
                raise ResolutionFailed(err) from err
        marks = self._savepoint()
        try:
            got = self._resolve(ev)
        except BaseException as err:
            self._undo(marks)
            if isinstance(err, MACHINE_FAULTS) or not isinstance(err, Exception):
                raise
            raise ResolutionFailed(err) from err
        self.db.execute("RELEASE record")
        return got

    @contextmanager
    def record(self) -> Iterator[None]:
        """One record's SAVEPOINT: should the block raise (its resolution, or its mapping after it), the
        index and this load's bookkeeping go back to where they were before the record."""
        marks = self._savepoint()
        self._in_record = True
        try:
            yield
        except BaseException:
            self._undo(marks)
            raise
        finally:
            self._in_record = False
        self.db.execute("RELEASE record")

    def _savepoint(self) -> tuple:
        """A SAVEPOINT before one record, and what this load's bookkeeping was then (for :meth:`_undo`)."""
        self._check()
        marks = (set(self._pending), list(self._retiring), set(self._old_canons), len(self.renames))
        self.db.execute("SAVEPOINT record")
        return marks

    def _undo(self, marks: tuple) -> None:
        """Back to the SAVEPOINT taken before a record that raised."""
        pending, retiring, old_canons, renames = marks
        if self.db.in_transaction:  # SQLite has already rolled the whole load back after a full disk
            try:
                self.db.execute("ROLLBACK TO record")
                self.db.execute("RELEASE record")
            except sqlite3.Error:
                pass  # the load is lost anyway: its own rollback follows
        self._pending, self._retiring, self._old_canons = pending, retiring, old_canons
        del self.renames[renames:]
        self._sigs.clear()  # rows inserted since the savepoint are gone, and SQLite reuses their rowids

    def _resolve(self, ev: Evidence) -> Resolved:
        sig = signature(ev)
        text = json.dumps(sig, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        control = ev.control
        row = self.db.execute(
            "SELECT rid, sig, icl, wcl FROM records WHERE member=? AND control=?", (self.member, control)
        ).fetchone()
        if row is not None:
            rid, old, icl, wcl = row
            self.db.execute("UPDATE records SET seen=? WHERE rid=?", (self.generation, rid))
            if old == text:
                if '"ow":' not in old:
                    return self._resolved(icl, wcl)
                original = self._original(control, original_signature(json.loads(old)), wcl)
                self._rename_pending()
                return self._resolved(*self._clusters(rid), original)
            self._remove(rid)
        rid = _inserted(
            self.db.execute(
                "INSERT INTO records (member, control, sig, seen) VALUES (?, ?, ?, ?)",
                (self.member, control, text, self.generation),
            )
        )
        self._remember(rid, sig)
        record_key = f"9{self.member}|{control}"
        iblocks, wblocks = instance_blocks(sig), work_blocks(sig)
        # instances: every cluster holding a record this one matches
        matched = {
            self._cluster_of(c, "icl") for c in self._candidates(iblocks, rid) if same_instance(sig, self._sig(c))
        }
        # works: the work of every matched instance, and every work this record matches
        wmatched = {self._work_of_instance(c) for c in matched}
        icl = self._join("i", matched, instance_canon(sig) or record_key)
        wmatched |= {self._cluster_of(c, "wcl") for c in self._candidates(wblocks, rid) if same_work(sig, self._sig(c))}
        wcl = self._join("w", wmatched, work_canon(sig) or record_key)
        self.db.execute("UPDATE records SET icl=?, wcl=? WHERE rid=?", (icl, wcl, rid))
        self.db.executemany("INSERT INTO blocks VALUES (?, ?)", [(k, rid) for k in dict.fromkeys(iblocks + wblocks)])
        original = self._original(control, original_signature(sig), wcl)
        self._rename_pending()
        return self._resolved(*self._clusters(rid), original)

    def _original(self, control: str, sig: dict | None, own: int) -> int | None:
        """The work cluster of the work a translation translates: a record of its own (the translation's
        control + :data:`ORIGINAL`, no instance), clustered like any other, so that it joins the original's
        records in any load order (None: the record is no translation, or does not say of what). It never
        joins the translation's own work cluster ``own``: a translation is not its own original (a uniform
        title that names no other language than the title's own work keys would match it)."""
        key = control + ORIGINAL
        row = self.db.execute(
            "SELECT rid, sig, wcl FROM records WHERE member=? AND control=?", (self.member, key)
        ).fetchone()
        text = json.dumps(sig, sort_keys=True, separators=(",", ":"), ensure_ascii=False) if sig else None
        if row is not None:
            if row[1] == text:
                self.db.execute("UPDATE records SET seen=? WHERE rid=?", (self.generation, row[0]))
                return row[2]
            self._remove(row[0])
        if sig is None:
            return None
        rid = _inserted(
            self.db.execute(
                "INSERT INTO records (member, control, sig, seen) VALUES (?, ?, ?, ?)",
                (self.member, key, text, self.generation),
            )
        )
        self._remember(rid, sig)
        blocks = work_blocks(sig)
        matched = {self._cluster_of(c, "wcl") for c in self._candidates(blocks, rid) if same_work(sig, self._sig(c))}
        wcl = self._join("w", matched - {own}, work_canon(sig) or f"9{self.member}|{key}")
        self.db.execute("UPDATE records SET wcl=? WHERE rid=?", (wcl, rid))
        self.db.executemany("INSERT INTO blocks VALUES (?, ?)", [(k, rid) for k in dict.fromkeys(blocks)])
        return wcl

    # the ingest's side -------------------------------------------------------------------
    def catch_up(self, batches, fingerprint: str | None) -> None:
        """Refuse to run (:class:`IndexBehind`) while the store holds a load the index never committed,
        unless this load is that one again (same member and fingerprint): it then replaces that batch
        and brings the index up to date (with ``replace`` if that load had it)."""
        done = self.generation - 1  # inside this load's transaction the counter is already advanced
        message = self.index.lag(batches, self.previous, done)
        if message is None:
            return
        late = max(self.index.behind(batches, done), key=lambda b: b.index_generation)
        if late.member == self.member and fingerprint is not None and late.fingerprint == fingerprint:
            previous = self.previous or {}
            if previous.get("generation") == late.index_generation and previous.get("replace"):
                self.replace = True
            return
        raise IndexBehind(message)

    def finish(self) -> list[Rename]:
        """Drop the member's records this load did not see (``replace``); the renames for the store."""
        if self.replace:
            gone = [
                r
                for (r,) in self.db.execute(
                    "SELECT rid FROM records WHERE member=? AND seen<?", (self.member, self.generation)
                )
            ]
            for rid in gone:
                self._remove(rid)
        self._rename_pending()
        return self._final_renames()

    def commit(self) -> None:
        if not self.done:
            self._check()
            self.db.execute("DELETE FROM meta WHERE name='intent'")
            self.db.execute("COMMIT")
            self.done = True

    def rollback(self) -> None:
        if not self.done:
            self.done = True
            if self.db.in_transaction:  # SQLite has already rolled back after a full disk
                self.db.execute("ROLLBACK")
            try:  # nothing of this load happened: the last load that did stays the one to name
                if self.previous is None:
                    self.db.execute("DELETE FROM meta WHERE name='intent'")
                else:
                    self.db.execute("INSERT OR REPLACE INTO meta VALUES ('intent', ?)", (json.dumps(self.previous),))
            except sqlite3.Error:
                pass

    def _check(self) -> None:
        """SQLite ends a transaction by itself on some errors (a full disk); never go on without it,
        or every later statement would commit on its own."""
        if not self.db.in_transaction:
            raise sqlite3.OperationalError("the cluster index lost its transaction after an earlier error")

    # internals ---------------------------------------------------------------------------
    def _resolved(self, icl: int, wcl: int, original: int | None = None) -> Resolved:
        (iid,) = self.db.execute("SELECT ident FROM clusters WHERE cid=?", (icl,)).fetchone()
        (wid,) = self.db.execute("SELECT ident FROM clusters WHERE cid=?", (wcl,)).fetchone()
        oid = self.db.execute("SELECT ident FROM clusters WHERE cid=?", (original,)).fetchone() if original else None
        return Resolved(
            self.minter.resource("instance", iid),
            self.minter.resource("work", wid),
            self.minter.resource("work", oid[0]) if oid else None,
        )

    def _sig(self, rid: int) -> dict:
        sig = self._sigs.get(rid)
        if sig is None:
            (text,) = self.db.execute("SELECT sig FROM records WHERE rid=?", (rid,)).fetchone()
            sig = json.loads(text)
            self._remember(rid, sig)
        return sig

    def _remember(self, rid: int, sig: dict) -> None:
        """Signatures are cached, up to a bound: a load's memory must not grow with its file."""
        if len(self._sigs) >= 50_000:
            self._sigs.clear()
        self._sigs[rid] = sig

    def _candidates(self, blocks: list[str], rid: int) -> list[int]:
        found: set[int] = set()
        for key in dict.fromkeys(blocks):
            found.update(r for (r,) in self.db.execute("SELECT rid FROM blocks WHERE key=?", (key,)))
        found.discard(rid)
        return sorted(found)

    def _clusters(self, rid: int) -> tuple[int, int]:
        """A record's instance and work clusters as they are now (a join since it was placed may have merged them)."""
        return self.db.execute("SELECT icl, wcl FROM records WHERE rid=?", (rid,)).fetchone()

    def _cluster_of(self, rid: int, column: str) -> int:
        return self.db.execute(f"SELECT {column} FROM records WHERE rid=?", (rid,)).fetchone()[0]

    def _work_of_instance(self, icl: int) -> int:
        return self.db.execute("SELECT wcl FROM records WHERE icl=? LIMIT 1", (icl,)).fetchone()[0]

    def _join(self, kind: str, clusters: set[int], canon: str) -> int:
        """The cluster a new record joins: ``clusters`` merged into one (or a new cluster)."""
        column = "icl" if kind == "i" else "wcl"
        if not clusters:
            cid = _inserted(
                self.db.execute("INSERT INTO clusters (kind, canon, ident, size) VALUES (?, ?, '', 1)", (kind, canon))
            )
            self._pending.add((kind, cid))
            return cid
        rows = {
            cid: self.db.execute("SELECT size, canon, ident FROM clusters WHERE cid=?", (cid,)).fetchone()
            for cid in clusters
        }
        target = max(rows, key=lambda c: (rows[c][0], -c))
        size = sum(r[0] for r in rows.values()) + 1
        best = min([canon, *(r[1] for r in rows.values())])
        for cid, (_, old_canon, ident) in rows.items():
            self._old_canons.add((kind, old_canon))
            if cid == target:
                continue
            self.db.execute(f"UPDATE records SET {column}=? WHERE {column}=?", (target, cid))
            self.db.execute("DELETE FROM clusters WHERE cid=?", (cid,))
            self._retiring.append((kind, ident, target))
        self.db.execute("UPDATE clusters SET size=?, canon=? WHERE cid=?", (size, best, target))
        self._pending.add((kind, target))
        return target

    def _rename_pending(self) -> None:
        """Give every cluster touched since the last call its id; retire the ids that changed."""
        pending = self._pending
        retiring = list(self._retiring)
        self._retiring.clear()
        canons = set(self._old_canons)
        self._old_canons.clear()
        for k, c in pending:
            row = self.db.execute("SELECT canon FROM clusters WHERE cid=?", (c,)).fetchone()
            if row:
                canons.add((k, row[0]))
        pending.clear()
        # every cluster sharing a canonical key with a touched one is renamed together
        for k, canon in sorted(canons):
            same = [c for (c,) in self.db.execute("SELECT cid FROM clusters WHERE kind=? AND canon=?", (k, canon))]
            for c in same:
                old = self.db.execute("SELECT ident FROM clusters WHERE cid=?", (c,)).fetchone()[0]
                new = self._ident(k, canon, c, len(same) > 1)
                if new != old:
                    self.db.execute("UPDATE clusters SET ident=? WHERE cid=?", (new, c))
                    if old:
                        self._retire(k, old, new, None)
                self.db.execute("DELETE FROM retired WHERE kind=? AND ident=?", (k, new))
        for k, ident, target in retiring:
            (new,) = self.db.execute("SELECT ident FROM clusters WHERE cid=?", (target,)).fetchone()
            if ident and ident != new:
                self._retire(k, ident, new, None)

    def _ident(self, kind: str, canon: str, cid: int, shared: bool) -> str:
        if not shared:
            return digest(f"{KINDS[kind]}|{canon}")
        column = "icl" if kind == "i" else "wcl"
        (first,) = self.db.execute(
            f"SELECT min(member || '|' || control) FROM records WHERE {column}=?", (cid,)
        ).fetchone()
        return digest(f"{KINDS[kind]}|{canon}|{first}")

    def _retire(self, kind: str, old: str, new: str, members: frozenset | None) -> None:
        if old == new:
            return
        live = self.db.execute("SELECT 1 FROM clusters WHERE kind=? AND ident=?", (kind, old)).fetchone()
        if live and members is None:
            return  # the id still names a cluster (a canonical key shared by a split)
        if not live:
            self.db.execute("INSERT OR REPLACE INTO retired VALUES (?, ?, ?)", (kind, old, new))
        self.renames.append((kind, old, new, members))

    def _remove(self, rid: int) -> None:
        """Take a record out; re-cluster what it held together (a cluster may split)."""
        icl, wcl = self.db.execute("SELECT icl, wcl FROM records WHERE rid=?", (rid,)).fetchone()
        self.db.execute("DELETE FROM blocks WHERE rid=?", (rid,))
        self.db.execute("DELETE FROM records WHERE rid=?", (rid,))
        self._sigs.pop(rid, None)
        if icl is not None:  # the work a translation translates has no instance
            self._recluster("i", icl)
        self._recluster("w", wcl)

    def _recluster(self, kind: str, cid: int) -> None:
        column = "icl" if kind == "i" else "wcl"
        old_ident, old_canon = self.db.execute("SELECT ident, canon FROM clusters WHERE cid=?", (cid,)).fetchone()
        self._old_canons.add((kind, old_canon))
        rows = self.db.execute(f"SELECT rid, member, control, icl FROM records WHERE {column}=?", (cid,)).fetchall()
        if not rows:
            self.db.execute("DELETE FROM clusters WHERE cid=?", (cid,))
            self._rename_pending()
            return
        parent = {r[0]: r[0] for r in rows}

        def find(x):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        sigs = {r[0]: self._sig(r[0]) for r in rows}
        blocks: dict[str, list[int]] = {}
        for r in rows:
            for key in instance_blocks(sigs[r[0]]) if kind == "i" else work_blocks(sigs[r[0]]):
                blocks.setdefault(key, []).append(r[0])
        if kind == "w":  # records of one instance cluster stay in one work
            for r in rows:
                if r[3] is not None:
                    blocks.setdefault(f"icl:{r[3]}", []).append(r[0])
        rule = same_instance if kind == "i" else same_work
        for key, rids in blocks.items():
            for i, a in enumerate(rids):
                for b in rids[i + 1 :]:
                    if find(a) != find(b) and (key.startswith("icl:") or rule(sigs[a], sigs[b])):
                        parent[find(a)] = find(b)
        parts: dict[int, list] = {}
        for r in rows:
            parts.setdefault(find(r[0]), []).append(r)
        canon_of = instance_canon if kind == "i" else work_canon
        groups = sorted(parts.values(), key=lambda g: (-len(g), min(f"{m}|{c}" for _, m, c, _ in g)))
        for n, group in enumerate(groups):
            canon = min(canon_of(sigs[r[0]]) or f"9{r[1]}|{r[2]}" for r in group)
            target = cid
            if n > 0:
                target = _inserted(
                    self.db.execute(
                        "INSERT INTO clusters (kind, canon, ident, size) VALUES (?, ?, '', ?)",
                        (kind, canon, len(group)),
                    )
                )
                self.db.executemany(f"UPDATE records SET {column}=? WHERE rid=?", [(target, r[0]) for r in group])
            else:
                self.db.execute("UPDATE clusters SET canon=?, size=? WHERE cid=?", (canon, len(group), cid))
            self._pending.add((kind, target))
        self._rename_pending()
        # a part that no longer carries the old id: its members' data moves to the part's own id
        for group in groups:
            target = self.db.execute(f"SELECT {column} FROM records WHERE rid=?", (group[0][0],)).fetchone()[0]
            (new,) = self.db.execute("SELECT ident FROM clusters WHERE cid=?", (target,)).fetchone()
            if new != old_ident:
                self.renames.append((kind, old_ident, new, frozenset(r[1] for r in group)))

    def _final_renames(self) -> list[Rename]:
        """Renames with chains followed to the live id, in the order they happened."""
        out = []
        for kind, old, new, members in self.renames:
            seen = {old}
            while True:
                row = self.db.execute("SELECT survivor FROM retired WHERE kind=? AND ident=?", (kind, new)).fetchone()
                if row is None or row[0] in seen:
                    break
                seen.add(new)
                new = row[0]
            live = self.db.execute("SELECT 1 FROM clusters WHERE kind=? AND ident=?", (kind, old)).fetchone()
            if old == new or (live and members is None):
                continue
            out.append(Rename(self.minter.resource(KINDS[kind], old), self.minter.resource(KINDS[kind], new), members))
        unique = list(dict.fromkeys(out))
        return unique


def _inserted(cursor: sqlite3.Cursor) -> int:
    """The rowid of the row an INSERT just made (sqlite3 types ``lastrowid`` as optional: None before any INSERT)."""
    rowid = cursor.lastrowid
    assert rowid is not None
    return rowid


def _quote(word: str) -> str:
    import shlex

    return shlex.quote(word)
