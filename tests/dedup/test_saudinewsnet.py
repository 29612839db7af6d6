"""Dedup quality on one real day of SaudiNewsNet against brute-force labels (plain Python sets).

The truth: every pair of articles whose word 5-gram sets of the body's matching key have Jaccard
≥ the threshold, found by comparing all pairs (a size filter skips only pairs that cannot reach it).
khabar must put ≥ 99% of those pairs in one story (recall), and ≥ 99% of the articles it marks an
``exact``/``near`` duplicate must really have a near duplicate in their story (precision: no article
is flagged a near copy without being one), and every label must be true on the pair it names. The
full-corpus version, with the tuning table, is ``benchmarks/dedup_saudinewsnet.py``.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import khabar
from khabar.dedup import Clusters, DedupConfig, DedupDoc, compute_features, find_clusters
from khabar.io.base import ReadError
from khabar.io.discover import read_paths
from khabar.text.keys import match_key
from khabar.text.tokens import WORD_RE

DAY = "2015-08-11.zip"


def _shingles(text: str, n: int) -> frozenset[tuple[str, ...]]:
    """Word n-grams of the matching key; a body of fewer than n words (but some) is one shingle."""
    words = WORD_RE.findall(match_key(text))
    if not words:
        return frozenset()
    if len(words) < n:
        return frozenset([tuple(words)])
    return frozenset(tuple(words[k : k + n]) for k in range(len(words) - n + 1))


def _true_pairs(sets: list[frozenset[tuple[str, ...]]], threshold: float) -> dict[tuple[int, int], float]:
    """All pairs (i < j) with Jaccard ≥ threshold. Jaccard ≤ |A|/|B| for |A| ≤ |B|, so walking the
    articles by size, each needs comparing only with the next ones up to |A|/threshold shingles."""
    order = sorted((i for i, s in enumerate(sets) if s), key=lambda i: len(sets[i]))
    out: dict[tuple[int, int], float] = {}
    for k, a in enumerate(order):
        sa = sets[a]
        limit = len(sa) / threshold
        for b in order[k + 1 :]:
            sb = sets[b]
            if len(sb) > limit:
                break
            inter = len(sa & sb)
            j = inter / (len(sa) + len(sb) - inter)
            if j >= threshold:
                out[(min(a, b), max(a, b))] = j
    return out


@pytest.fixture(scope="module")
def day_docs(saudinewsnet_dir: Path) -> list[DedupDoc]:
    path = saudinewsnet_dir / DAY
    if not path.is_file():
        pytest.skip(f"{path} not found (set KHABAR_SHARED to the shared/ folder)")
    docs = []
    for rec in read_paths([str(path)]):
        if isinstance(rec, ReadError):  # an empty body
            continue
        a = khabar.refine(rec.text, url=rec.url, source=rec.source, published=rec.published)
        docs.append(DedupDoc(a.id, "\n".join(a.paragraphs), a.published, a.url, a.source))
    return docs


@dataclass
class _Run:
    docs: list[DedupDoc]
    sets: list[frozenset[tuple[str, ...]]]
    truth: dict[tuple[int, int], float]
    clusters: Clusters
    threshold: float
    brute_s: float

    def near(self, a: int, b: int) -> bool:
        sa, sb = self.sets[a], self.sets[b]
        if not sa or not sb:
            return False
        inter = len(sa & sb)
        return inter / (len(sa) + len(sb) - inter) >= self.threshold

    def flagged(self) -> list[int]:
        """Articles annotated an exact or near duplicate."""
        return [i for i, dup in enumerate(self.clusters.duplicate) if dup and dup.kind in ("exact", "near")]


@pytest.fixture(scope="module")
def run(day_docs: list[DedupDoc]) -> _Run:
    config = DedupConfig()
    t0 = time.perf_counter()
    sets = [_shingles(d.text, config.ngram) for d in day_docs]
    truth = _true_pairs(sets, config.threshold)
    brute_s = time.perf_counter() - t0
    clusters = find_clusters(compute_features(day_docs, config), config)
    return _Run(day_docs, sets, truth, clusters, config.threshold, brute_s)


def test_dedup_matches_brute_force_on_one_day(run: _Run) -> None:
    assert len(run.docs) > 1500
    assert len(run.truth) > 100, "the day should have near-duplicate pairs"
    story = run.clusters.canonical.tolist()
    missed = [p for p in run.truth if story[p[0]] != story[p[1]]]
    recall = 1 - len(missed) / len(run.truth)

    members: dict[int, list[int]] = {}
    for i, s in enumerate(story):
        members.setdefault(s, []).append(i)
    flagged = run.flagged()
    wrong = [i for i in flagged if not any(run.near(i, k) for k in members[story[i]] if k != i)]
    precision = 1 - len(wrong) / len(flagged) if flagged else 1.0

    detail = (
        f"{len(run.docs)} articles, {len(run.truth)} true pairs (brute force {run.brute_s:.1f} s), "
        f"recall {recall:.4f} (missed {missed[:5]}), precision {precision:.4f} of {len(flagged)} "
        f"(wrong {[(run.docs[i].id, run.clusters.duplicate[i]) for i in wrong[:5]]})"
    )
    assert recall >= 0.99, detail
    assert precision >= 0.99, detail


def test_every_label_is_true_on_its_pair(run: _Run) -> None:
    """Each ``duplicate`` label is checked by brute force on the pair it names: ``of`` is an article
    the copy was verified against, never the canonical copy reached through a chain."""
    index = {d.id: i for i, d in enumerate(run.docs)}
    wrong = []
    for i, dup in enumerate(run.clusters.duplicate):
        if dup is None:
            continue
        sa, sb = run.sets[i], run.sets[index[dup.of]]
        inter = len(sa & sb)
        if dup.kind == "exact":
            ok = match_key(run.docs[i].text) == match_key(run.docs[index[dup.of]].text)
        elif dup.kind == "near":
            ok = inter / (len(sa) + len(sb) - inter) >= run.threshold
        else:
            ok = inter / min(len(sa), len(sb)) >= DedupConfig().containment
        if not ok:
            wrong.append((run.docs[i].id, dup))
    labelled = sum(d is not None for d in run.clusters.duplicate)
    assert labelled > 150
    assert not wrong, f"{len(wrong)} of {labelled} labels false on their pair: {wrong[:5]}"


def _contained_pairs(sets: list[frozenset[tuple[str, ...]]], containment: float) -> list[tuple[int, int]]:
    """All pairs (smaller, larger) with the smaller ≥ ``containment`` inside the larger: shared
    shingles counted over an inverted index of every shingle (no cap)."""
    postings: dict[tuple[str, ...], list[int]] = {}
    for i, s in enumerate(sets):
        for shingle in s:
            postings.setdefault(shingle, []).append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for docs in postings.values():
        shared.update(itertools.combinations(docs, 2))
    out = []
    for (a, b), common in sorted(shared.items()):
        small, large = (a, b) if len(sets[a]) <= len(sets[b]) else (b, a)
        if common >= containment * len(sets[small]):
            out.append((small, large))
    return out


def test_contained_copies_are_recognised_or_held_by_a_digest_on_one_day(run: _Run) -> None:
    """Issue 14's containment goal on real data. Of the day's pairs with the smaller article ≥ 0.8
    inside the larger, each must be recognised (one story, or the smaller labelled a copy) or be a
    piece of a flagged digest (kept apart on purpose: digests never bridge); at most 1% may be
    neither. Before the shared-shingle candidates 11 of 369 were (captions, retouched copies:
    no shared sentence fingerprint), 328 recognised; after, 3 and 335."""
    pairs = _contained_pairs(run.sets, DedupConfig().containment)
    story = run.clusters.canonical
    keys = [match_key(d.text) for d in run.docs]
    # a digest's exact copies hold its pieces too (only the representative is compared)
    digest_keys = {keys[i] for i in np.flatnonzero(run.clusters.digest > 0).tolist()}
    recognised = neither = 0
    for small, large in pairs:
        if story[small] == story[large] or run.clusters.duplicate[small] is not None:
            recognised += 1
        elif keys[large] not in digest_keys:
            neither += 1
    detail = f"{recognised} of {len(pairs)} recognised, {neither} neither recognised nor held by a digest"
    assert len(pairs) > 300, detail
    assert neither <= 0.01 * len(pairs), detail
    assert recognised >= 0.9 * len(pairs), detail
