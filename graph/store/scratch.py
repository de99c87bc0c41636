"""Scratch folders of a data directory: a load's named pipe, an upload's spooled files.

Each lives in the data directory (beside ``store/``), not in /tmp, and is named for the process
that made it: ``.scratch-<kind>-<pid>-<random>``. A process killed before its own cleanup leaves
its folder; :func:`clear_orphans` (run when a store opens for writing, and before each upload)
removes the folders of processes that are gone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

PREFIX = ".scratch-"


def scratch_dir(data_dir: str | Path, kind: str) -> Path:
    """A new empty folder in ``data_dir`` for this process's ``kind`` of scratch (e.g. "load")."""
    folder = Path(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{kind}-{os.getpid()}-", dir=folder))


def clear_orphans(data_dir: str | Path) -> int:
    """Remove the scratch folders in ``data_dir`` whose process has exited; how many went."""
    gone = 0
    for path in Path(data_dir).glob(PREFIX + "*"):
        parts = path.name[len(PREFIX) :].split("-")
        if len(parts) >= 3 and parts[1].isdigit() and not alive(int(parts[1])):
            shutil.rmtree(path, ignore_errors=True)
            gone += 1
    return gone


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists (a process of another user counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
