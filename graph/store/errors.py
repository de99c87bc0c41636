"""What goes wrong in a store, for every layer that talks to one (the stores, their answers, the pool)."""

from __future__ import annotations


class StoreError(Exception):
    """A store operation failed; the store is as it was before the call."""


class StoreBusy(StoreError):
    """The embedded store is held by another process (its one writer): it cannot be opened for writing."""
