"""The catalogue: a data directory opened as store + minter, the one object the CLI and web share."""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from graph.identity.uris import Minter
from graph.store import Store, StoreBusy, open_store

DEFAULT_BASE = "http://127.0.0.1:5000/"
DEFAULT_DATA = "alliance-data"
SETTINGS_FILE = "settings.json"


SEARCH_LOCK = "index/search.lock"  # held while the search index is brought up to date (one writer at a time)


@contextmanager
def _exclusive(path: Path):
    """An exclusive lock on ``path`` between processes (waits for it; no lock where fcntl is missing)."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class CatalogueError(Exception):
    pass


class CatalogueBusy(CatalogueError):
    """Another process (a running `alliance serve`, a load) holds the data directory's store."""


def busy_message(data: Path) -> str:
    """What to tell someone whose command found the data directory's store held by another process."""
    return (
        f"another alliance process is using the data directory {data} (a running `alliance serve`, "
        "or a load not yet finished); stop it and run this again (a server takes writes meanwhile "
        "through SPARQL Update and the Graph Store Protocol with a token: `alliance token create`)"
    )


def configured_base(data_dir: str | Path | None = None, base: str | None = None) -> str:
    """The base URI a catalogue in ``data_dir`` uses (or would use), without opening its store."""
    data = Path(data_dir or os.environ.get("ALLIANCE_DATA") or DEFAULT_DATA)
    settings_path = data / SETTINGS_FILE
    stored = json.loads(settings_path.read_text()).get("base") if settings_path.exists() else None
    return base or os.environ.get("ALLIANCE_BASE") or stored or DEFAULT_BASE


@dataclass
class Catalogue:
    data_dir: Path
    store: Store
    minter: Minter

    beside_writer: bool = False  # opened read-only because another process holds the store

    @classmethod
    def open(
        cls,
        data_dir: str | Path | None = None,
        base: str | None = None,
        *,
        read_only: bool = False,
        store: str | None = None,
        reader: bool = False,
    ) -> "Catalogue":
        """Open (creating if needed) the data directory; its base URI is fixed at creation.

        ``store`` (or ``$ALLIANCE_STORE``): the address of a SPARQL 1.1 server to keep the graph
        in (``sparql+http://…``) instead of the embedded store in the data directory, which
        then holds only settings, tokens and derived indexes.

        The embedded store has one writer process. When another process holds it (a running
        `alliance serve`, a load), :class:`CatalogueBusy` says so, unless ``reader`` (the caller
        only reads): then the store opens read-only beside that process, as it was at this
        moment (``beside_writer`` is set).
        """
        data = Path(data_dir or os.environ.get("ALLIANCE_DATA") or DEFAULT_DATA)
        data.mkdir(parents=True, exist_ok=True)
        settings_path = data / SETTINGS_FILE
        settings = json.loads(settings_path.read_text()) if settings_path.exists() else {}
        base = base or os.environ.get("ALLIANCE_BASE")
        stored = settings.get("base")
        if stored and base and base.rstrip("/") != stored.rstrip("/"):
            raise CatalogueError(
                f"{data} was created with base URI {stored}; it cannot change to {base} "
                "(every URI in it would break). Use a new data directory."
            )
        if not stored:
            settings["base"] = base or DEFAULT_BASE
            settings_path.write_text(json.dumps(settings, indent=2) + "\n")
        minter = Minter(settings["base"])
        location = store or os.environ.get("ALLIANCE_STORE") or str(data / "store")
        try:
            return cls(data, open_store(location, minter, read_only=read_only), minter)
        except StoreBusy as err:
            if not reader:
                raise CatalogueBusy(busy_message(data)) from err
        cat = cls(data, open_store(location, minter, read_only=True), minter)
        cat.beside_writer = True
        return cat

    @property
    def clusters(self):
        """The catalogue's cluster index (:class:`graph.identity.clusters.ClusterIndex`), opened on first use."""
        if getattr(self, "_clusters", None) is None:
            from graph.identity.clusters import ClusterIndex

            self._clusters = ClusterIndex.in_dir(self.data_dir, self.minter)
        return self._clusters

    def index_lag(self) -> str | None:
        """What to run when the cluster index is a load behind the store (a process stopped between the
        store's switch and the index's commit), else None (see graph.identity.clusters)."""
        if getattr(self, "_clusters", None) is None:
            from graph.identity.clusters import ClusterIndex

            if not (self.data_dir / ClusterIndex.FILE).exists():
                return None
        return self.clusters.lag(self.store.batches())

    @property
    def search(self):
        """The catalogue's search index (:class:`graph.index.SearchIndex`), opened on first use."""
        if getattr(self, "_search", None) is None:
            from graph.index import SearchIndex

            self._search = SearchIndex.in_dir(self.data_dir)
        return self._search

    def follow_search(self) -> bool:
        """Reopen the search index if another process (the writer) changed it since it was opened;
        True if it was reopened. One ``stat`` of its state file (replaced at every commit and rebuild)."""
        seen = self._search_state()
        if getattr(self, "_search", None) is None:
            self._search_seen = seen
            return False
        if seen == getattr(self, "_search_seen", None):
            return False
        self._search_seen = seen
        self._search = None  # the old one is dropped once no request reads it
        return True

    def _search_state(self) -> tuple | None:
        path = getattr(self, "_search_state_path", None)
        if path is None:
            from graph.index.writer import STATE_FILE

            path = self._search_state_path = str(self.data_dir / "index" / "search" / STATE_FILE)
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return None
        return st.st_mtime_ns, st.st_ino

    @property
    def tokens(self):
        """Who may write (:class:`graph.alliance.tokens.TokenStore`): the data directory's file, or, with the
        graph in a SPARQL server, the server's tokens graph, so every web node knows every token."""
        if getattr(self, "_tokens", None) is None:
            from graph.store.remote import RemoteStore

            if isinstance(self.store, RemoteStore):
                from graph.remote_shared import ServerTokens

                self._tokens = ServerTokens(self.store)
            else:
                from graph.alliance.tokens import TokenStore

                self._tokens = TokenStore(self.data_dir)
        return self._tokens

    @property
    def sources(self):
        """The members' source records (:class:`graph.load.archive.SourceArchive`), opened on first use."""
        if getattr(self, "_sources", None) is None:
            from graph.store.remote import RemoteStore

            if isinstance(self.store, RemoteStore):  # every web node reads the records from the server
                from graph.remote_shared import ServerSourceArchive

                self._sources = ServerSourceArchive(self.store)
            else:
                from graph.load.archive import SourceArchive

                self._sources = SourceArchive.in_dir(self.data_dir)
        return self._sources

    # the one road for every load of catalogue files ----------------------------------------------
    def ingest(
        self,
        files,
        member: str,
        *,
        replace: bool = False,
        format: str | None = None,
        collection: str | None = None,
        progress=None,
        index_progress=None,
    ):
        """Load catalogue files for ``member`` and bring everything derived from the store up to date.

        Read, map and load as one atomic batch (:func:`graph.load.ingest.ingest`: the cluster index and
        the union descriptions move with it), then archive the source records for export and
        re-derive the search index, so what the load brought is searchable and exportable when
        this returns. Raises :class:`graph.load.ingest.IngestError` (nothing of the load visible).
        """
        from graph.load.ingest import ingest

        report = ingest(
            self.store,
            self.minter,
            list(files),
            member,
            replace=replace,
            progress=progress,
            format=format,
            collection_name=collection,
            clusters=self.clusters,
            keep_sources=True,
        )
        self.after_load(report, index_progress)
        return report

    def harvest(self, url: str, member: str, *, state_dir, index_progress=None, **options):
        """Harvest a member's OAI-PMH repository into one of its collections (:func:`graph.load.harvest.harvest`),
        then everything derived, as :meth:`ingest` does."""
        from graph.load.harvest import harvest

        report = harvest(
            self.store,
            self.minter,
            url,
            member,
            state_dir=state_dir,
            clusters=self.clusters,
            keep_sources=True,
            **options,
        )
        if report.ingest is not None:
            self.after_load(report.ingest, index_progress)
        return report

    def after_load(self, report, index_progress=None) -> None:
        """What follows every load of catalogue files: its source records archived, the search index synced."""
        import time

        if report.batch is not None:
            report.archived = self.keep_sources(report)
        started = time.perf_counter()
        report.indexed = self.sync_search(changed=report.renamed, progress=index_progress)
        report.index_seconds = time.perf_counter() - started

    def keep_sources(self, report) -> int:
        """Archive the MARC records a load switched on (for MARCXML export) and forget replaced ones:
        the rows its converters gathered (``report.spool``), else a read of its files."""
        from graph.load.archive import marc_records

        spool = report.spool
        rows = spool.rows() if spool is not None else marc_records(report.files, report.format)
        try:
            kept = self.sources.add(report.member, report.batch.graph.value, rows)
        finally:
            if spool is not None:
                spool.close()
                report.spool = None
        self.sources.prune(g.value for g in self.store.active_graphs())
        return kept

    def sync_search(self, changed=(), touched=(), progress=None) -> int:
        """Bring the search index up to date with what the store now holds; returns works re-derived
        (``changed`` resources, ``touched`` graphs: see :meth:`graph.index.SearchIndex.sync`)."""
        with _exclusive(self.data_dir / SEARCH_LOCK):  # another process (a node's writer, the CLI) may sync too
            self.follow_search()  # what that process committed meanwhile
            try:
                return self.search.sync(self.store, self.minter, changed=changed, touched=touched, progress=progress)
            finally:
                self._search_seen = self._search_state()  # our own commit: nothing to reopen

    def close(self) -> None:
        if getattr(self, "_sources", None) is not None:
            self._sources.close()
            self._sources = None
        if getattr(self, "_search", None) is not None:
            self._search.close()
            self._search = None
        if getattr(self, "_clusters", None) is not None:
            self._clusters.close()
            self._clusters = None
        self.store.close()
