"""Errors a user meets on the command line: one clear line, a non-zero exit, never a traceback.

The commands run as real processes (`python -m cli.main`) against a real `alliance serve` on
127.0.0.1, which holds the data directory's store the way a production server does.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.parse

import pytest
import requests
from click.testing import CliRunner

from tests.conftest import ROOT, TEST_BASE
from tests.faulttools import _env, assert_no_survivors, cli_command, run_cli
from tests.servers import free_port
from tests.serving import Served
from cli.main import main


def one_line_error(done: subprocess.CompletedProcess) -> str:
    """The error line of a failed command, checked to be all it said."""
    assert done.returncode != 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    return lines[0]


@pytest.fixture
def busy_port():
    """A port some other program listens on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


@pytest.mark.parametrize("command", [["serve"], ["demo"]])
def test_a_busy_port_is_one_line_and_a_non_zero_exit(tmp_path, busy_port, command):
    started = time.monotonic()
    done = run_cli(tmp_path / "data", *command, "--port", str(busy_port), check=False, timeout=120)
    line = one_line_error(done)
    assert f"port {busy_port} on 127.0.0.1 is already in use" in line and "--port" in line
    assert "serving" not in done.stdout
    assert time.monotonic() - started < 60, "the demo is not built before the port is found busy"


class RunningServer:
    """`alliance serve` as a process on a free port, holding the data directory's store."""

    def __init__(self, data):
        self.data, self.port = data, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            cli_command(data, "serve", "--port", str(self.port), "--threads", "2"),
            cwd=ROOT,
            env=_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                if requests.get(self.url + "/sparql", params={"query": "ASK {}"}, timeout=5).ok:
                    return
            except requests.ConnectionError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError("the server did not start")

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)
        assert_no_survivors(self.data)


@pytest.fixture(scope="module")
def server(tmp_path_factory, sample_files):
    """A served catalogue of the sample's Peking University export (Chinese 880s) for member GWU."""
    data = tmp_path_factory.mktemp("busy") / "data"
    run_cli(data, "member", "add", "GWU", "--name", "George Washington University")
    run_cli(data, "ingest", str(sample_files["PKU"].files[0]), "--member", "GWU")
    running = RunningServer(data)
    yield running
    running.stop()


BUSY = "another alliance process is using the data directory"


def test_writes_beside_a_running_server_say_who_holds_the_data(server, sample_files):
    for args in (
        ["ingest", str(sample_files["THU"].files[0]), "--member", "GWU"],
        ["member", "add", "PKU", "--name", "Peking University Library"],
        ["serve", "--port", str(free_port())],
    ):
        line = one_line_error(run_cli(server.data, *args, check=False))
        assert BUSY in line and "stop it" in line, args
        assert "LOCK" not in line and "Resource temporarily unavailable" not in line


def test_reads_work_beside_a_running_server(server):
    stats = run_cli(server.data, "stats")
    assert "members:        1" in stats.stdout and "instances:      0" not in stats.stdout
    assert "another alliance process is using this data directory" in stats.stderr
    assert "Traceback" not in stats.stderr
    assert run_cli(server.data, "member", "list").stdout.startswith("GWU\tGeorge Washington University")
    overlap = json.loads(run_cli(server.data, "overlap").stdout)
    assert overlap["titles"] > 0


def raw_get(port: int, target: bytes) -> tuple[bytes, str]:
    """GET ``target`` exactly as given (no client-side encoding), over a plain socket."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(1 << 16):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0], body.decode("utf-8", errors="replace")


def test_raw_utf8_in_a_url_is_read_as_a_browser_would_send_it(server):
    """`curl 'http://…/search?q=北京'` sends the UTF-8 bytes unencoded; browsers percent-encode them."""
    raw_status, raw_body = raw_get(server.port, "/search?q=北京".encode())
    encoded_status, encoded_body = raw_get(server.port, b"/search?q=" + urllib.parse.quote("北京").encode())
    assert raw_status.endswith(b" 200 OK") and encoded_status.endswith(b" 200 OK"), raw_status
    assert 'value="北京"' in raw_body
    hits = lambda body: [line for line in body.splitlines() if "/work/" in line and "href" in line]  # noqa: E731
    assert hits(raw_body) and hits(raw_body) == hits(encoded_body)
    path_status, _ = raw_get(server.port, "/search?q=北京&lang=zh".encode())
    assert path_status.endswith(b" 200 OK")


def test_format_marcxml_on_a_binary_file_says_it_is_not_marcxml(tmp_path, sample_files):
    binary = sample_files["PKU"].files[0]
    assert binary.suffix == ".mrc" and sample_files["SHL"].files[0].suffix == ".xml"
    runner = CliRunner()
    common = ["--data", str(tmp_path / "data"), "--base", TEST_BASE]
    assert runner.invoke(main, [*common, "member", "add", "PKU", "--name", "PKU"]).exit_code == 0
    for args in (
        ["ingest", str(binary), "--member", "PKU", "--format", "marcxml"],
        ["convert", str(binary), "--member", "PKU", "--format", "marcxml", "-o", str(tmp_path / "x.nt")],
        ["validate", str(binary), "--format", "marcxml"],
    ):
        result = runner.invoke(main, [*common, *args])
        assert result.exit_code == 1, result.output
        assert "not marcxml" in result.output and "too short" not in result.output, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    ok = runner.invoke(
        main, [*common, "ingest", str(sample_files["SHL"].files[0]), "--member", "PKU", "--format", "marcxml"]
    )
    assert ok.exit_code == 0, ok.output


def test_raw_utf8_in_a_url_under_alliance_serve(tmp_path):
    """The pre-fork `alliance serve` (granian) reads a raw UTF-8 request line as a browser would have sent it."""
    server = Served(tmp_path / "data")
    try:
        status, body = raw_get(server.port, "/search?q=北京".encode())
        assert status.endswith(b" 200 OK"), status
        assert 'value="北京"' in body
    finally:
        assert server.stop() == 0
