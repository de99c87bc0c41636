"""Real SPARQL servers for the scale-out tests, started on 127.0.0.1 on free ports: Oxigraph server
(PyPI ``oxigraph`` ships the binary) and Virtuoso 7 (Debian ``virtuoso-opensource``)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

VIRTUOSO_USER, VIRTUOSO_PASSWORD = "dba", "dba"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _missing(what: str) -> None:
    if os.environ.get("ALLIANCE_REQUIRE_SYSTEM"):
        pytest.fail(f"{what} is required here (ALLIANCE_REQUIRE_SYSTEM is set)")
    pytest.skip(f"{what} is not installed")


def _wait(url: str, process: subprocess.Popen, seconds: float, log: Path) -> None:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}): {log.read_text()[-2000:]}")
        try:
            if requests.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server at {url} did not answer within {seconds:g} s: {log.read_text()[-2000:]}")


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else shutil.which("oxigraph")


class Server:
    def __init__(self, name: str, url: str, process: subprocess.Popen):
        self.name, self.url, self.process = name, url, process

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


def start_oxigraph(folder: Path) -> Server:
    binary = oxigraph_binary()
    if binary is None:
        _missing("the oxigraph server (pip install oxigraph)")
    port = free_port()
    log = folder / "oxigraph.log"
    process = subprocess.Popen(
        [binary, "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    server = Server("oxigraph", f"sparql+http://127.0.0.1:{port}/?flavour=oxigraph", process)
    try:
        _wait(f"http://127.0.0.1:{port}/query", process, 30, log)
    except BaseException:  # not answering (or the test interrupted): never leave it running
        server.stop()
        raise
    return server


VIRTUOSO_INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql}
LiteMode = 0
DisableUnixSocket = 1
DisableTcpSocket = 0
ServerThreads = 20
CheckpointInterval = 60
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
MaxQueryMem = 1G
DirsAllowed = ., {db}, /usr/share/virtuoso-opensource-7/vad
VADInstallDir = /usr/share/virtuoso-opensource-7/vad/
DefaultIsolation = 4

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
EnabledDavVSP = 0
HTTPProxyEnabled = 0
DavRoot = DAV

[AutoRepair]
BadParentLinks = 0

[Client]
SQL_PREFETCH_ROWS = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT = 0
SQL_TXN_TIMEOUT = 0

[Plugins]
LoadPath = /usr/lib/virtuoso-opensource-7/hosting

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 600
DefaultQuery = select distinct ?Concept where {{[] a ?Concept}} LIMIT 100
DeferInferenceRulesInit = 0
"""


def virtuoso_binary() -> str | None:
    for candidate in ("/usr/bin/virtuoso-t", shutil.which("virtuoso-t")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def start_virtuoso(folder: Path) -> Server:
    binary = virtuoso_binary()
    if binary is None:
        _missing("Virtuoso 7 (apt-get install virtuoso-opensource)")
    db = folder / "virtuoso"
    db.mkdir(parents=True, exist_ok=True)
    isql_port, http_port = free_port(), free_port()
    ini = db / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(db=db, isql=isql_port, http=http_port))
    log = db / "console.log"
    process = subprocess.Popen(
        [binary, "+foreground", "+configfile", str(ini)], cwd=db, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    try:
        _wait(f"http://127.0.0.1:{http_port}/sparql", process, 120, log)
        isql = shutil.which("isql-vt") or shutil.which("isql")
        if isql is None:
            raise RuntimeError("isql-vt not found beside virtuoso-t")
        # the SPARQL user may update; updates and the Graph Store need digest auth as dba
        grants = "GRANT SPARQL_UPDATE TO \"SPARQL\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 1); "
        subprocess.run(
            [isql, f"127.0.0.1:{isql_port}", VIRTUOSO_USER, VIRTUOSO_PASSWORD, f"exec={grants}"],
            check=True,
            capture_output=True,
            timeout=60,
        )
    except BaseException:
        process.kill()
        process.wait(10)
        raise
    return Server(
        "virtuoso",
        f"sparql+http://127.0.0.1:{http_port}/?flavour=virtuoso&user={VIRTUOSO_USER}&password={VIRTUOSO_PASSWORD}",
        process,
    )


STARTERS = {"oxigraph": start_oxigraph, "virtuoso": start_virtuoso}
