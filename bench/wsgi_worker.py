"""One web worker's app of ``alliance serve`` (:func:`web.prefork.worker_app`) as a WSGI module, so that
bench/sparql_bench.py can put the very same app under other servers (gunicorn, uWSGI) and compare
their HTTP handling with granian's: ``BENCH_DATA`` names the data directory (a checkpoint of its store
must be published: :func:`graph.store.snapshots.publish`), ``BENCH_THREADS`` the threads per worker.
Writes are not served (no writer process)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from web.prefork import Options, worker_app  # noqa: E402  (after the path above)

app = worker_app(
    Options(data=os.environ["BENCH_DATA"], threads=int(os.environ.get("BENCH_THREADS", "4"))), "/nonexistent.sock"
)
