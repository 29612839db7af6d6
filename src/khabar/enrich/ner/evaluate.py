"""Entity-level precision, recall and F1 with conlleval semantics: an entity counts only when its span and
type both match exactly. An ``I-X`` that does not continue an ``X`` entity starts a new one (as conlleval
reads it), so a tagger is not rewarded for broken BIO.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


def _split(tag: str) -> tuple[str, str]:
    if tag == "O" or "-" not in tag:
        return "O", ""
    prefix, _, kind = tag.partition("-")
    return prefix, kind


def spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """``(start, end, type)`` of each entity, ``end`` exclusive."""
    out: list[tuple[int, int, str]] = []
    start, kind = -1, ""
    for i, tag in enumerate(tags):
        prefix, k = _split(tag)
        continues = prefix == "I" and k == kind and start >= 0
        if start >= 0 and not continues:
            out.append((start, i, kind))
            start, kind = -1, ""
        if prefix in ("B", "I") and not continues:
            start, kind = i, k
    if start >= 0:
        out.append((start, len(tags), kind))
    return out


@dataclass(frozen=True)
class Score:
    tp: int
    n_pred: int
    n_gold: int

    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict[str, Score]:
    """Per-type scores plus ``"micro"`` over all types, for parallel lists of sentences' tags."""
    tp: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    for g, p in zip(gold, pred, strict=True):
        if len(g) != len(p):
            raise ValueError(f"sentence lengths differ: {len(g)} gold vs {len(p)} predicted tags")
        gs, ps = set(spans(g)), set(spans(p))
        for s in gs:
            n_gold[s[2]] += 1
        for s in ps:
            n_pred[s[2]] += 1
        for s in gs & ps:
            tp[s[2]] += 1
    kinds = sorted(set(n_gold) | set(n_pred))
    result = {k: Score(tp[k], n_pred[k], n_gold[k]) for k in kinds}
    result["micro"] = Score(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))
    return result


def format_table(scores: dict[str, Score]) -> str:
    """A Markdown table of P/R/F1 (percent) per type and micro."""
    lines = ["| type | P | R | F1 | gold | predicted |", "|---|---:|---:|---:|---:|---:|"]
    for kind, s in scores.items():
        name = f"**{kind}**" if kind == "micro" else kind
        lines.append(
            f"| {name} | {100 * s.precision:.1f} | {100 * s.recall:.1f} | {100 * s.f1:.1f} "
            f"| {s.n_gold} | {s.n_pred} |"
        )
    return "\n".join(lines)
