"""The store: one interface (:class:`graph.store.base.Store`), an embedded pyoxigraph implementation."""

from __future__ import annotations

from graph.identity.uris import Minter
from graph.store.base import Batch, SerializedTriples, Store, StoreBusy, StoreError


def open_store(location: str, minter: Minter, *, read_only: bool = False) -> Store:
    """Open the store at ``location``: a data directory for the embedded store, or the address of a
    SPARQL 1.1 server (``sparql+http://…``, :mod:`graph.store.remote`)."""
    if str(location).startswith(("sparql+http://", "sparql+https://")):
        from graph.store.remote import RemoteStore

        return RemoteStore(str(location), minter, read_only=read_only)
    from graph.store.embedded import EmbeddedStore

    return EmbeddedStore(location, minter, read_only=read_only)


__all__ = ["Batch", "SerializedTriples", "Store", "StoreBusy", "StoreError", "open_store"]
