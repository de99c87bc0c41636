"""Pairwise precision and recall of predicted clusters against true ones."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path


@dataclass
class PairScore:
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    true_clusters: int
    predicted_clusters: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    def as_dict(self) -> dict:
        return {
            "precision": round(self.precision, 5),
            "recall": round(self.recall, 5),
            "true_pairs": self.true_pairs,
            "predicted_pairs": self.predicted_pairs,
            "correct_pairs": self.correct_pairs,
            "true_clusters": self.true_clusters,
            "predicted_clusters": self.predicted_clusters,
        }


def _pairs(sizes) -> int:
    return sum(n * (n - 1) // 2 for n in sizes)


def pairwise(truth: dict, predicted: dict) -> PairScore:
    """Score ``predicted`` (record -> cluster) against ``truth`` (record -> cluster) over their common records."""
    common = truth.keys() & predicted.keys()
    t = Counter(truth[k] for k in common)
    p = Counter(predicted[k] for k in common)
    both = Counter((truth[k], predicted[k]) for k in common)
    return PairScore(_pairs(t.values()), _pairs(p.values()), _pairs(both.values()), len(t), len(p))


def read_truth(path: str | Path) -> tuple[dict, dict]:
    """(member, control) -> true instance, and -> true work, from a generator's truth.tsv."""
    instances, works = {}, {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            key = (row["member"], row["control"])
            instances[key] = row["instance"]
            works[key] = row["work"]
    return instances, works
