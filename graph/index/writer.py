"""The search index on disk: derived from the store, rebuilt or brought up to date at any time.

``SearchIndex.in_dir(data_dir)`` opens (or creates) ``DATA/index/search``. The index
remembers which batch graphs it has seen (``state.json``); ``sync(store, minter)``
compares them with the store's active graphs and re-derives exactly the works that a
new graph mentions or a switched-off graph (a replaced catalogue) did, so a member's
replaced records leave search when the new ones arrive. ``rebuild`` derives
everything into a fresh directory and swaps it in. An index of another schema version
rebuilds itself on the next sync.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Callable, Iterable

import tantivy

from graph import faults
from graph.index import documents, parallel, schema as S
from graph.index.documents import WorkDocument
from graph.index.text import heading_key, identifier_keys, pinyin_tokens, place_keys, value_tokens
from graph.identity.uris import Minter
from graph.store.base import Store

STATE_FILE = "state.json"
WRITER_HEAP = 200_000_000


class SearchIndexError(Exception):
    pass


class SearchIndex:
    """A tantivy index of work documents, with the list of graphs it reflects."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.schema = S.build_schema()
        self._lock = threading.RLock()
        self._open()

    @classmethod
    def in_dir(cls, data_dir: str | Path) -> "SearchIndex":
        return cls(Path(data_dir) / "index" / "search")

    def _open(self) -> None:
        state = self._read_state()
        if state.get("version") != S.SCHEMA_VERSION and any(self.path.iterdir()):
            self._clear_dir(self.path)  # another schema: start afresh, the next sync fills it
            self.path.mkdir(parents=True)
        try:
            self.index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
        except (OSError, ValueError) as err:
            raise SearchIndexError(f"cannot open the search index in {self.path}: {err}") from err

    # state ---------------------------------------------------------------------------------
    def _read_state(self) -> dict:
        try:
            return json.loads((self.path / STATE_FILE).read_text())
        except (OSError, ValueError):
            return {}

    def _write_state(self, graphs: Iterable[str], path: Path | None = None) -> None:
        target = (path or self.path) / STATE_FILE
        tmp = target.with_suffix(".tmp")
        tmp.write_text(
            json.dumps(
                {"version": S.SCHEMA_VERSION, "graphs": sorted(graphs), "updated": time.strftime("%Y-%m-%dT%H:%M:%S")},
                indent=1,
            )
        )
        os.replace(tmp, target)

    def graphs(self) -> set[str] | None:
        """The batch graphs the index reflects, or None if it was never filled."""
        state = self._read_state()
        if state.get("version") != S.SCHEMA_VERSION:
            return None
        return set(state.get("graphs", []))

    def is_current(self, store: Store) -> bool:
        return self.graphs() == _batch_graphs(store)

    # reading -------------------------------------------------------------------------------
    def searcher(self) -> tantivy.Searcher:
        return self.index.searcher()

    def reload(self) -> None:
        self.index.reload()

    def __len__(self) -> int:
        return self.searcher().num_docs

    # writing -------------------------------------------------------------------------------
    def sync(
        self,
        store: Store,
        minter: Minter,
        *,
        changed: Iterable[str] = (),
        touched: Iterable[str] = (),
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Bring the index up to date with the store's active graphs; returns the works re-derived.

        ``changed`` names resources (works or instances) whose description changed
        inside graphs that stayed active, e.g. IRIs a cluster merge retired or rewrote;
        ``touched`` names graphs written in place (SPARQL Update, the Graph Store Protocol):
        every work they mention now or did before is derived again.
        """
        with self._lock:
            seen = self.graphs()
            if seen is None:
                return self.rebuild(store, minter, progress=progress, processes=False)  # e.g. a first load
            active = _batch_graphs(store)
            touched = {getattr(g, "value", g) for g in touched}
            new, gone = active - seen, seen - active
            affected = documents.works_in_graphs(
                store, [documents.NamedNode(g) for g in sorted(new | (touched & active))]
            )
            affected |= self._works_with_graphs(gone | touched)
            changed = list(changed)
            if changed:
                affected |= set(changed)
                affected |= documents.works_of_instances(store, changed)
            if affected:
                self._replace(store, minter, sorted(affected), progress)
            self._write_state(active)
            return len(affected)

    def rebuild(
        self,
        store: Store,
        minter: Minter,
        *,
        progress: Callable[[int], None] | None = None,
        processes: bool = True,
    ) -> int:
        """Derive the whole index again into a fresh directory, then swap it in (the store's queries in
        worker processes, or with ``processes=False`` on threads of this process: see
        :func:`graph.index.parallel.build_all`)."""
        with self._lock:
            active = _batch_graphs(store)
            fresh = self.path.with_name(self.path.name + ".new")
            self._clear_dir(fresh)
            fresh.mkdir(parents=True)
            index = tantivy.Index(self.schema, path=str(fresh), reuse=False)
            writer = index.writer(WRITER_HEAP, 1)
            count = 0
            for doc in parallel.build_all(store, minter, work_document, processes=processes):
                faults.point("index.document")
                writer.add_document(doc)
                count += 1
                if progress:
                    progress(1)
            writer.commit()
            writer.wait_merging_threads()
            self._write_state(active, fresh)
            del writer, index
            old = self.path.with_name(self.path.name + ".old")
            self._clear_dir(old)
            os.replace(self.path, old)
            os.replace(fresh, self.path)
            self._clear_dir(old)
            self._open()
            return count

    def _replace(self, store: Store, minter: Minter, works: list[str], progress: Callable[[int], None] | None) -> None:
        writer = self.index.writer(WRITER_HEAP, 1)
        try:
            for w in works:
                writer.delete_documents_by_term("id", w)
            for doc in parallel.describe(store, minter, works, work_document):
                faults.point("index.document")
                writer.add_document(doc)
                if progress:
                    progress(1)
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise
        finally:
            del writer
        self.index.reload()

    def _works_with_graphs(self, graphs: set[str]) -> set[str]:
        if not graphs:
            return set()
        searcher = self.searcher()
        query = tantivy.Query.term_set_query(self.schema, "graph", sorted(graphs))
        total = searcher.search(query, limit=1, count=True).count  # type: ignore[attr-defined]  # stub omits it
        found: set[str] = set()
        if total:
            for _, address in searcher.search(query, limit=total, count=False).hits:
                found.add(searcher.doc(address).get_first("id"))  # type: ignore[arg-type]  # every document has one
        return found

    @staticmethod
    def _clear_dir(path: Path) -> None:
        if path.exists():
            shutil.rmtree(path)

    def close(self) -> None:
        self.index = None  # type: ignore[assignment]  # closed: any later use fails, as it should


def work_document(d: WorkDocument) -> tantivy.Document:
    """The tantivy document of a work (a module function: index workers started by a fork server import it)."""
    doc = tantivy.Document()
    doc.add_text("id", d.iri)
    for name, values in (
        ("title", d.titles),
        ("names", d.names),
        ("subjects", d.subjects),
        ("series", d.series),
        ("notes", d.notes),
    ):
        _add_tokens(doc, name, value_tokens(_distinct(values)))
    han_titles = [v for v in _distinct(d.titles)]
    romanised = [lit.value for lit in d.titles + d.names if "latn" in (lit.language or "").lower()]
    _add_tokens(doc, S.PINYIN_FIELD, pinyin_tokens(han_titles + _distinct(d.names), _unique(romanised)))
    for key in _unique(k for kind, value in d.identifiers for k in identifier_keys(kind, value)):
        doc.add_text(S.IDS_FIELD, key)
    libraries = sorted(d.libraries)
    for code in libraries:
        doc.add_text("library", code)
    doc.add_text("library_set", " ".join(libraries))
    for key, forms in place_keys(d.places).items():
        doc.add_text("place", key)
        for form in forms:
            doc.add_text(S.PLACE_LABEL_FIELD, f"{key}\t{form}")
    for name, terms in (
        ("format", d.formats),
        ("language", d.languages),
        ("subject", d.subject_iris),
        ("class", d.classes),
        ("collection", d.collections),
        ("graph", d.graphs),
    ):
        for v in sorted(terms) if isinstance(terms, set) else terms:
            doc.add_text(name, v)
    for key in _unique(f"{heading_key(label)}\t{iri}" for iri, label in d.subject_labels):
        doc.add_text(S.SUBJECT_KEY_FIELD, key)
    for y in sorted(d.years):
        doc.add_integer(S.YEAR_FIELD, y)
    first = d.first_year()
    doc.add_integer(S.FIRST_YEAR_FIELD, first or 0)
    doc.add_integer(S.LAST_YEAR_FIELD, first or 9999)
    doc.add_integer(S.WEIGHT_FIELD, len(libraries))
    doc.add_integer(S.EDITIONS_FIELD, d.editions)
    doc.add_integer(S.COPIES_FIELD, d.copies)
    doc.add_text(S.SORT_TITLE_FIELD, d.sort_title())
    doc.add_bytes("display", json.dumps(d.display(), ensure_ascii=False).encode("utf-8"))
    return doc


def _batch_graphs(store: Store) -> set[str]:
    """The active graphs that hold catalogue data (the alliance graph describes members and loads)."""
    return {g.value for g in store.active_graphs() if not g.value.endswith("/graph/alliance")}


def _distinct(literals) -> list[str]:
    return _unique(lit.value for lit in literals)


def _unique(values) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _add_tokens(doc: tantivy.Document, field: str, toks: list[tuple[str, int]]) -> None:
    if not toks:
        return
    text = " ".join(t for t, _ in toks)
    out, offset = [], 0
    for t, pos in toks:
        out.append(tantivy.Token(t, pos, offset, offset + len(t)))
        offset += len(t) + 1
    doc.add_pre_tokenized_text(field, tantivy.PreTokenizedString(text, out))
