"""`alliance serve` as a real process on 127.0.0.1 (the pre-fork server: arbiter, writer, workers)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import requests

from tests.conftest import ROOT
from tests.faulttools import _env, cli_command


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """``alliance --data DATA [OPTIONS] serve --workers N [SERVE_OPTIONS]`` until :meth:`stop`;
    ``log`` collects its stderr (granian's log, the writer's)."""

    def __init__(
        self,
        data: Path,
        options: tuple = (),
        serve_options: tuple = (),
        *,
        workers: int = 2,
        env: dict | None = None,
        wait: float = 120,
    ):
        self.data = data
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log: list[str] = []
        command = cli_command(
            data, *options, "serve", "--port", str(self.port), "--workers", str(workers), *serve_options
        )
        self.proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=_env(env),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"alliance serve stopped ({self.proc.returncode}):\n{''.join(self.log)[-3000:]}")
            try:
                if requests.get(self.url + "/sparql", params={"query": "ASK {}"}, timeout=5).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.1)
        self.kill()
        raise AssertionError("alliance serve did not start:\n" + "".join(self.log)[-3000:])

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.log.append(line)

    def workers(self) -> set[int]:
        """Process ids of the web workers (granian's "Spawning worker" lines, minus those that exited)."""
        text = "".join(self.log)
        booted = {int(p) for p in re.findall(r"Spawning worker-\d+ with PID: (\d+)", text)}
        return {p for p in booted if _alive(p)}

    def processes(self) -> set[int]:
        """Every live process of this server's session (arbiter, writer, workers)."""
        found = set()
        for proc in Path("/proc").iterdir():
            if proc.name.isdigit():
                try:
                    if os.getsid(int(proc.name)) == self.proc.pid:
                        found.add(int(proc.name))
                except OSError:
                    continue
        return found

    def signal(self, sig: int) -> None:
        os.kill(self.proc.pid, sig)

    def stop(self, timeout: float = 60) -> int:
        """SIGTERM to the arbiter, as a service manager stops it; returns its exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                raise AssertionError("alliance serve did not stop on SIGTERM") from None
        return self.proc.returncode

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(30)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0]
    except (OSError, IndexError):
        return False
    return state != "Z"
