"""The 250,000-record Library of Congress file end to end, through the real command line.

    python -m bench.bigfile [FILE] [--convert-only | --ingest-only]

FILE defaults to ``BooksAll.2016.part01.utf8`` from pymarc 5.4.0's source distribution,
fetched once with ``pip download --no-deps --no-binary :all: pymarc==5.4.0`` into
``~/.cache/alliance-bench`` (set ALLIANCE_BOOKSALL to use a copy you have). Runs
``alliance convert`` and ``alliance ingest`` as subprocesses and samples the resident
memory of the whole process tree (converter workers included) twice a second: prints wall
time, records/s, triples, peak RSS, and RSS at each quarter of the run, which shows
whether memory grows with the file (it must not: the pipeline streams). Each command runs
under ``/usr/bin/time -v`` where it exists, whose peak RSS (of the largest single process)
is printed too. Run it on a prefix of the file as well (e.g. its first 50,000 records) to
compare peaks at two sizes.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "alliance-bench"
NAME = "BooksAll.2016.part01.utf8"


def booksall() -> Path:
    if os.environ.get("ALLIANCE_BOOKSALL"):
        return Path(os.environ["ALLIANCE_BOOKSALL"])
    target = CACHE / NAME
    if target.exists():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--no-binary",
            ":all:",
            "pymarc==5.4.0",
            "-d",
            str(CACHE),
        ],
        check=True,
    )
    sdist = next(CACHE.glob("pymarc-5.4.0.tar.gz"))
    with tarfile.open(sdist) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("/" + NAME))
        with tar.extractfile(member) as src, open(target, "wb") as dst:
            while block := src.read(1 << 20):
                dst.write(block)
    return target


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    parent = int(fh.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            pass
        stack.extend(children.get(p, []))
    return total


ROOT = Path(__file__).resolve().parent.parent


TIME = "/usr/bin/time"


def run(args: list[str]) -> dict:
    if os.path.exists(TIME):
        args = [TIME, "-v", *args]
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT, env=env)
    samples: list[tuple[float, int]] = []
    while proc.poll() is None:
        samples.append((time.perf_counter() - started, tree_rss(proc.pid)))
        time.sleep(0.5)
    output = proc.stdout.read()
    wall = time.perf_counter() - started
    quarters = []
    for q in (0.25, 0.5, 0.75, 1.0):
        window = [rss for t, rss in samples if t <= wall * q] or [0]
        quarters.append(window[-1])
    largest = re.search(r"Maximum resident set size \(kbytes\): (\d+)", output)
    cpu = sum(float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", output))
    return {
        "wall": wall,
        "output": output,
        "code": proc.returncode,
        "cpu": cpu,
        "peak": max((rss for _, rss in samples), default=0),
        "quarters": quarters,
        "largest": int(largest.group(1)) * 1024 if largest else None,
    }


def report(label: str, result: dict) -> None:
    summary = next((line for line in result["output"].splitlines() if "records read" in line), "")
    triples = re.search(r"(\d+) triples", summary)
    read = re.search(r"(\d+) records read", summary)
    mb = 1 << 20
    print(
        f"\n{label}: exit {result['code']}, wall {result['wall']:.0f} s, cpu {result['cpu']:.0f} s, "
        f"peak RSS {result['peak'] / mb:.0f} MB (process tree)"
        + (f", {result['largest'] / mb:.0f} MB (largest process, time -v)" if result["largest"] else "")
    )
    print("  " + summary)
    if read:
        print(f"  {int(read.group(1)) / result['wall']:,.0f} records/s end to end")
    if triples:
        print(f"  {int(triples.group(1)) / result['wall']:,.0f} triples/s end to end")
    print("  RSS at 25/50/75/100% of the run: " + " / ".join(f"{q / mb:.0f} MB" for q in result["quarters"]))
    if result["code"]:
        print(result["output"][-2000:])


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 and not argv[1].startswith("--") else booksall()
    alliance = [sys.executable, "-c", "from cli.main import main; main()"]
    work = Path(tempfile.mkdtemp(prefix="alliance-big-"))
    data = work / "data"
    print(
        f"{path} ({path.stat().st_size / (1 << 20):.0f} MB); {os.cpu_count()} cores; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    sys.stdout.flush()
    out = work / "out.nq"
    if "--ingest-only" not in argv:
        report(
            "alliance convert",
            run([*alliance, "--data", str(data), "convert", str(path), "--member", "LC", "-o", str(out)]),
        )
        print(f"  output {out.stat().st_size / (1 << 20):.0f} MB" if out.exists() else "  no output")
        if out.exists():
            out.unlink()
    if "--convert-only" not in argv:
        subprocess.run(
            [*alliance, "--data", str(data), "member", "add", "LC", "--name", "Library of Congress"],
            check=True,
            capture_output=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        report("alliance ingest", run([*alliance, "--data", str(data), "ingest", str(path), "--member", "LC"]))
        size = sum(f.stat().st_size for f in data.rglob("*") if f.is_file())
        print(f"  data directory {size / (1 << 20):.0f} MB")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    subprocess.run(["rm", "-rf", str(work)])
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    raise SystemExit(main(sys.argv))
