"""Matching quality and speed of the cluster index on a generated alliance (pairwise precision/recall).

    python bench/union_quality.py SOURCE.mrc [...] --members 5 [--limit N] [--records N] [--work DIR]
        [--wade-giles-member] [--han-member] [--sample-editions N]

Generates the alliance (graph.sample.real_records) unless DIR already holds one, clusters every
member into a fresh index (in member order, then again in reverse order to check the URIs
are the same), and prints precision/recall for Instances and Works against truth.tsv, the
time and peak memory of clustering, and the time to add the last member to the others.
Baseline printed beside it: the key-digest identity (graph.identity.resolver.KeyIdentity,
the mapper's default before the cluster index), scored on the same records.

With ``--wade-giles-member`` / ``--han-member`` the alliance gains the members that catalogue
Chinese records in Wade-Giles (WGL) and in Han only (HAN), and ``chinese`` reports Instance
precision/recall over the Chinese-language records: all members, without WGL, without HAN, and
the pairs that have a WGL (or HAN) record on one side; ``chinese_no_wade_giles_keys`` is the
same alliance clustered with the Wade-Giles and loose keys switched off (the matcher before them).
``--sample-editions N`` adds N editions of the sample pool (graph.sample.write_editions: Chinese
records with 880 pairs, which the Library of Congress's files barely have) to the sources.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.identity import match as matching  # noqa: E402
from graph.identity.clusters import ClusterIndex  # noqa: E402
from graph.identity.resolver import KeyIdentity  # noqa: E402
from graph.identity.uris import Minter  # noqa: E402
from graph.load.mappers.marc21_identity import evidence  # noqa: E402
from graph.load.sources import SourceRecord  # noqa: E402
from graph.load.sources.marc import read_marc  # noqa: E402
from graph.sample.cluster import cluster_member  # noqa: E402
from graph.sample.evaluate import pairwise, read_truth  # noqa: E402
from graph.sample import write_editions  # noqa: E402
from graph.sample.evaluate import PairScore  # noqa: E402
from graph.sample.real_records import HAN_MEMBER, WADE_GILES_MEMBER, generate  # noqa: E402

MINTER = Minter("http://alliance.test/")


def run(index_path: Path, members: list[dict], root: Path) -> tuple[dict, dict]:
    """Cluster every member into a fresh index; times for all but the last, and for adding the last."""
    if index_path.exists():
        index_path.unlink()
    index = ClusterIndex(index_path, MINTER)
    times = {}
    started, cpu = time.perf_counter(), time.process_time()
    for m in members[:-1]:
        cluster_member(index, m["code"], [root / m["file"]])
    times["first_members_seconds"] = round(time.perf_counter() - started, 1)
    t, c = time.perf_counter(), time.process_time()
    last = members[-1]
    times["add_last_member"] = {
        "member": last["code"],
        "records": cluster_member(index, last["code"], [root / last["file"]]),
        "seconds": round(time.perf_counter() - t, 1),
        "cpu_seconds": round(time.process_time() - c, 1),
    }
    times["cluster_seconds"] = round(time.perf_counter() - started, 1)
    times["cluster_cpu_seconds"] = round(time.process_time() - cpu, 1)  # the machine is shared: CPU time too
    clusters = index.clusters_of()
    times["index_mb"] = round(index_path.stat().st_size / 2**20)
    index.close()
    return times, clusters


def baseline(members: list[dict], root: Path) -> dict:
    ident = KeyIdentity(MINTER)
    out = {}
    for m in members:
        for item in read_marc(root / m["file"]):
            if isinstance(item, SourceRecord):
                control = item.record["001"].data.strip()
                r = ident.resolve(evidence(item.record, m["code"], control))
                out[(m["code"], control)] = (r.instance.value, r.work.value)
    return out


def read_languages(path: Path) -> dict:
    import csv

    with open(path, encoding="utf-8", newline="") as fh:
        return {(r["member"], r["control"]): r.get("language", "") for r in csv.DictReader(fh, delimiter="\t")}


def involving(truth: dict, predicted: dict, member: str) -> dict:
    """Pairwise scores over the pairs with a record of ``member`` on at least one side."""
    from collections import Counter

    common = truth.keys() & predicted.keys()
    mine = [k for k in common if k[0] == member]
    t_all, p_all = Counter(truth[k] for k in common), Counter(predicted[k] for k in common)
    both_all = Counter((truth[k], predicted[k]) for k in common)
    t_other = Counter(truth[k] for k in common if k[0] != member)
    p_other = Counter(predicted[k] for k in common if k[0] != member)
    both_other = Counter((truth[k], predicted[k]) for k in common if k[0] != member)

    def pairs(c):
        return sum(n * (n - 1) // 2 for n in c.values())

    score = PairScore(
        pairs(t_all) - pairs(t_other),
        pairs(p_all) - pairs(p_other),
        pairs(both_all) - pairs(both_other),
        len({truth[k] for k in mine}),
        len({predicted[k] for k in mine}),
    )
    return score.as_dict()


def chinese_scores(root: Path, members: list[dict], truth_i: dict) -> dict:
    """Instance precision/recall over the Chinese-language records, with and without each special member."""
    languages = read_languages(root / "truth.tsv")
    chinese = {k: v for k, v in truth_i.items() if languages.get(k) == "chi"}
    codes = [m["code"] for m in members]
    out = {"records": len(chinese)}
    _, clusters = run(root / "index-chinese.sqlite", members, root)
    pred = {k: v[0] for k, v in clusters.items() if k in chinese}
    out["all_members"] = pairwise(chinese, pred).as_dict()
    for code, label in ((WADE_GILES_MEMBER, "wade_giles"), (HAN_MEMBER, "han_only")):
        if code not in codes:
            continue
        out[f"{label}_member_pairs"] = involving(chinese, pred, code)
        _, without = run(root / "index-chinese-without.sqlite", [m for m in members if m["code"] != code], root)
        out[f"without_{label}_member"] = pairwise(
            chinese, {k: v[0] for k, v in without.items() if k in chinese}
        ).as_dict()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sources", nargs="+")
    parser.add_argument("--members", type=int, default=5)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--records", type=int)
    parser.add_argument("--work", default="/tmp/alliance-bench")
    parser.add_argument("--no-reverse", action="store_true")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--wade-giles-member", action="store_true")
    parser.add_argument("--han-member", action="store_true")
    parser.add_argument("--sample-editions", type=int, default=0)
    parser.add_argument(
        "--add-largest-last",
        action="store_true",
        help="cluster the largest member last (its time is the incremental add)",
    )
    args = parser.parse_args()
    root = Path(args.work)
    if not (root / "truth.tsv").exists():
        shutil.rmtree(root, ignore_errors=True)
        t = time.perf_counter()
        sources = list(args.sources)
        if args.sample_editions:
            sources.append(str(root.parent / f"{root.name}-editions.mrc"))
            write_editions(Path(sources[-1]), titles=args.sample_editions)
        rep = generate(
            sources,
            root,
            members=args.members,
            limit=args.limit,
            records=args.records,
            wade_giles=args.wade_giles_member,
            han_only=args.han_member,
        )
        print(
            f"generated {rep.records} member records from {rep.sources} sources in {time.perf_counter() - t:.0f} s:"
            f" {json.dumps(rep.holdings)}; planted {rep.shared_isbn} shared ISBNs, {rep.reprints} reprints"
        )
    members = json.loads((root / "members.json").read_text())
    truth_i, truth_w = read_truth(root / "truth.tsv")
    results = {"records": len(truth_i), "members": len(members)}
    if summary := (root / "summary.json").exists() and json.loads((root / "summary.json").read_text()):
        results.update(
            sources=summary["sources"],
            shared_isbn=summary["shared_isbn"],
            reprints=summary["reprints"],
            vernacular_sources=summary["vernacular"],
            generate_seconds=summary["seconds"],
        )

    if args.add_largest_last:  # the biggest member (most records) joins an alliance of the others
        members = sorted(members, key=lambda m: (root / m["file"]).stat().st_size)
    times, clusters = run(root / "index.sqlite", members, root)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results.update(times)
    results["records_per_cpu_second"] = round(len(clusters) / times["cluster_cpu_seconds"])
    results["peak_rss_mb"] = round(peak)
    pred_i = {k: v[0] for k, v in clusters.items()}
    pred_w = {k: v[1] for k, v in clusters.items()}
    results["instance"] = pairwise(truth_i, pred_i).as_dict()
    results["work"] = pairwise(truth_w, pred_w).as_dict()

    # the same member's file loaded again with --replace: nothing changes, nothing is re-matched
    index = ClusterIndex(root / "index.sqlite", MINTER)
    last = members[-1]
    t, c = time.perf_counter(), time.process_time()
    n = cluster_member(index, last["code"], [root / last["file"]], replace=True)
    results["reload_last_member"] = {
        "records": n,
        "seconds": round(time.perf_counter() - t, 1),
        "cpu_seconds": round(time.process_time() - c, 1),
    }
    index.close()
    if not args.no_reverse:
        _, clusters2 = run(root / "index-reverse.sqlite", list(reversed(members)), root)
        same = clusters2 == clusters
        results["reverse_order_same_uris"] = same
        if not same:
            diff = sum(1 for k in clusters if clusters[k] != clusters2.get(k))
            results["reverse_order_differences"] = diff
    if args.wade_giles_member or args.han_member:
        results["chinese"] = chinese_scores(root, members, truth_i)
        keys = matching.romanised_keys
        matching.romanised_keys = lambda text, chinese: ("", "", False)  # the matcher before Wade-Giles keys
        try:
            results["chinese_no_wade_giles_keys"] = chinese_scores(root, members, truth_i)
        finally:
            matching.romanised_keys = keys
    if not args.no_baseline:
        base = baseline(members, root)
        results["baseline_key_digest"] = {
            "instance": pairwise(truth_i, {k: v[0] for k, v in base.items()}).as_dict(),
            "work": pairwise(truth_w, {k: v[1] for k, v in base.items()}).as_dict(),
        }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
