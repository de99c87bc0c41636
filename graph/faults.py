"""A test hook for fault injection: pause at a named point so a test can ``kill -9`` the process there.

Inert unless the environment variable ``ALLIANCE_FAULT_PAUSE`` is set when this module is
imported (production never sets it; the cost of a point is one comparison with None).
Its value is ``NAME`` or ``NAME:N`` (pause the N-th time the point is reached). On
reaching it the process writes ``ALLIANCE_FAULT_PAUSED NAME`` to stderr and sleeps,
waiting to be killed; if nobody kills it within ``ALLIANCE_FAULT_WAIT`` seconds (default
120) it exits with status 70, so a broken test never leaves a process behind.

Points (each documented in docs/security.md with the test that uses it):
``ingest.record`` before each record is converted; ``store.written`` when a batch's
triples are all written but before it is switched on; ``store.switched`` right after the
switch, before replaced batches are dropped and the cluster index commits.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time

# Failures of the machine, not of a record (a full disk, a lost index transaction, no memory): a
# load stops on them, and nothing of it becomes visible. Mappers' own errors are per record.
MACHINE_FAULTS = (OSError, MemoryError, sqlite3.Error)

ENV = "ALLIANCE_FAULT_PAUSE"
_WANTED = os.environ.get(ENV) or None
_NAME, _, _NTH = (_WANTED or "").partition(":")
_hits = 0


def point(name: str) -> None:
    """Pause here if the environment names this point (see the module docs)."""
    global _hits
    if _WANTED is None or name != _NAME:
        return
    _hits += 1
    if _hits != (int(_NTH) if _NTH else 1):
        return
    sys.stderr.write(f"ALLIANCE_FAULT_PAUSED {name}\n")
    sys.stderr.flush()
    deadline = time.monotonic() + float(os.environ.get("ALLIANCE_FAULT_WAIT", "120"))
    while time.monotonic() < deadline:
        time.sleep(0.05)
    os._exit(70)
