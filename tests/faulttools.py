"""Helpers for the fault tests: run the real `alliance` CLI as a process, pause it, kill it, look inside.

Every process started here is bounded in time (``timeout``) and killed on the way out.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, TEST_BASE

PAUSED = "ALLIANCE_FAULT_PAUSED"


def cli_command(data: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "cli", "--data", str(data), "--base", TEST_BASE, *args]


def _env(extra: dict | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALLIANCE_FAULT")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra or {})
    return env


def run_cli(
    data: Path, *args: str, timeout: float = 300, file_size_limit: int | None = None, check: bool = True
) -> subprocess.CompletedProcess:
    """Run ``alliance ARGS`` to the end; ``file_size_limit`` makes every write past that size fail (EFBIG)."""

    def limit():
        if file_size_limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    command = cli_command(data, *args)
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=limit if file_size_limit is not None else None,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except BaseException:  # a timeout or an interrupted test: the command and its converter processes go
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    done = subprocess.CompletedProcess(command, proc.returncode, out, err)
    if check and done.returncode != 0:
        raise AssertionError(f"alliance {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done


def kill_at(data: Path, point: str, *args: str, timeout: float = 120) -> str:
    """Start ``alliance ARGS`` paused at fault ``point``, ``kill -9`` it there; returns its stderr."""
    proc = subprocess.Popen(
        cli_command(data, *args),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=_env({"ALLIANCE_FAULT_PAUSE": point, "ALLIANCE_FAULT_WAIT": str(timeout)}),
    )
    lines = []
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith(PAUSED):
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
                assert proc.returncode == -signal.SIGKILL
                assert_no_survivors(data)
                return "".join(lines)
        raise AssertionError(f"alliance {' '.join(args)} never reached {point}:\n{''.join(lines)[-3000:]}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        proc.stderr.close()


def assert_no_survivors(data: Path, timeout: float = 30) -> None:
    """No process of the killed command (its converter processes included) is left running."""
    deadline = time.monotonic() + timeout
    while True:
        left = []
        for proc in Path("/proc").iterdir():
            if proc.name.isdigit():
                try:
                    cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
                except OSError:
                    continue
                if str(data).encode() in cmdline and b"cli" in cmdline:
                    left.append(proc.name)
        if not left:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"processes of the killed command still run: {left}")
        time.sleep(0.2)


def kill_after(data: Path, seconds: float, *args: str) -> int | None:
    """Start ``alliance ARGS``, ``kill -9`` it after ``seconds``; its exit status if it ended first."""
    proc = subprocess.Popen(
        cli_command(data, *args), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env()
    )
    try:
        proc.wait(timeout=seconds)
        return proc.returncode
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert_no_survivors(data)
        return None


@dataclass
class State:
    """What a catalogue holds, comparable across processes."""

    quads: frozenset  # every quad of every active graph except load times, as N-Quads text
    triples: frozenset  # the same without graph names (batch graph IRIs are random)
    batches: tuple  # (member, sources, triples) of each active batch
    named_graphs: int  # named graphs physically in the store
    clusters: dict  # (member, control) -> (instance id, work id)


def state(data: Path, *, read_only: bool = False) -> State:
    """Open the catalogue in ``data`` (in this process) and read everything queries can see."""
    from graph.catalogue import Catalogue
    from graph.identity.clusters import ClusterIndex
    from vocab.namespaces import ALLIANCE

    cat = Catalogue.open(data, TEST_BASE, read_only=read_only)
    try:
        store = cat.store
        quads, triples = set(), set()
        for graph in store.active_graphs():
            for q in store.quads_in(graph):
                if q.predicate == ALLIANCE.loadedAt:
                    continue
                quads.add(f"{q.subject} {q.predicate} {q.object} {q.graph_name} .")
                if graph != cat.minter.alliance_graph:
                    triples.add(f"{q.subject} {q.predicate} {q.object} .")
        batches = tuple(
            sorted((b.member or "", tuple(Path(s).name for s in b.sources), b.triples) for b in store.batches())
        )
        named = sum(1 for _ in store._ox.named_graphs())
        index = ClusterIndex.in_dir(data, cat.minter)
        try:
            clusters = index.clusters_of()
        finally:
            index.close()
    finally:
        cat.close()
    return State(frozenset(quads), frozenset(triples), batches, named, clusters)


# The catalogue the fault tests start from: the sample alliance's own records -------------------
@dataclass(frozen=True)
class Sources:
    pku: Path  # Peking University's sample export: PKU's catalogue
    bl: Path  # Shanghai Library's (MARCXML): BL's; some of its editions are PKU's too
    bulk: Path  # ~850 records: a re-load that takes a while (conftest.sample_bulk)
    bulk_records: int
    bulk_items: int


@pytest.fixture(scope="session")
def sources(sample_files, sample_bulk) -> Sources:
    return Sources(
        sample_files["PKU"].files[0],
        sample_files["SHL"].files[0],
        sample_bulk.path,
        sample_bulk.records,
        sample_bulk.items,
    )


def prepare(data: Path, src: Sources, *loads: tuple[str, Path]) -> None:
    """Members PKU and BL by the CLI; PKU's catalogue is Peking University's sample export, BL's Shanghai's."""
    run_cli(data, "member", "add", "PKU", "--name", "Peking University Library")
    run_cli(data, "member", "add", "BL", "--name", "British Library")
    run_cli(data, "ingest", "--member", "BL", str(src.bl))
    run_cli(data, "ingest", "--member", "PKU", str(src.pku))
    for member, path in loads:
        run_cli(data, "ingest", "--member", member, "--replace", str(path))


@pytest.fixture(scope="session")
def prepared(tmp_path_factory, sources):
    """A function that copies the prepared catalogue (made once) to a data directory of the test's."""
    made = tmp_path_factory.mktemp("prepared") / "data"
    prepare(made, sources)

    def copy(dest: Path) -> Path:
        shutil.copytree(made, dest)
        return dest

    copy.state = state(made)
    return copy
