"""Shingling + MinHash speed and accuracy on real Arabic news: khabar vs rensa vs datasketch.

Reproduce::

    PYTHONPATH=src .venv/bin/python benchmarks/minhash.py [--docs 20000] [--pairs 2000]

Needs SaudiNewsNet under ``$KHABAR_SHARED/data/saudinewsnet`` (default ``<repo>/../shared``);
rensa and datasketch are optional (measurement only; their rows are skipped when absent).
All three methods see the same tokens: word 5-grams of ``match_key`` (khabar hashes them as
uint32 shingles; rensa and datasketch are fed the 5-gram strings).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import random
import sys
import time
import zipfile
from collections.abc import Callable

import numpy as np

from _common import BENCH, REPO, best_of, saudinewsnet_dir
from khabar.dedup.minhash import MinHasher, jaccard, shingles, shingles_many, word_ngram_hashes
from khabar.text.keys import match_key
from khabar.text.tokens import WORD_RE

RESULTS = BENCH / "results" / "minhash.md"
N = 5
SEED = 1
PERMS = (64, 112, 128)

try:
    from rensa import RMinHash
except ImportError:  # measurement-only dependency
    RMinHash = None
try:
    from datasketch import MinHash as DSMinHash
except ImportError:  # measurement-only dependency
    DSMinHash = None


def load_articles(limit: int) -> list[str]:
    folder = saudinewsnet_dir()
    zips = sorted(folder.glob("*.zip"))
    if not zips:
        sys.exit(f"SaudiNewsNet not found at {folder}: set KHABAR_SHARED to the shared/ folder. Skipping.")
    out: list[str] = []
    for path in zips:
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                out += [a["content"] for a in json.loads(z.read(name)) if a.get("content")]
        if len(out) >= limit:
            break
    return out[:limit]


def gram_strings(key: str) -> list[str]:
    """The same shingles as strings, for rensa and datasketch."""
    w = WORD_RE.findall(key)
    if len(w) < N:
        return [" ".join(w)] if w else []
    return [" ".join(w[i : i + N]) for i in range(len(w) - N + 1)]


def per_doc_us(fn: Callable[[], object], docs: int, repeat: int = 1) -> float:
    """Best-of-``repeat`` wall time of ``fn`` in µs per document."""
    return best_of(fn, repeat)[0] / docs * 1e6


def make_pairs(keys: list[str], count: int, rng: random.Random) -> list[tuple[str, str]]:
    """Pairs (A, edited A) with true Jaccard spread over 0..1: random word substitutions (half) or a
    prefix of A spliced onto another article (half), with the edit size drawn so J is ~uniform."""
    docs = [WORD_RE.findall(k) for k in keys]
    docs = [d for d in docs if len(d) >= 80]
    vocab = [w for d in docs[:2000] for w in d]
    pairs = []
    for i in range(count):
        a = rng.choice(docs)
        target = rng.random()
        if i % 2 == 0:
            keep = (2 * target / (1 + target)) ** (1 / N)  # per-word keep rate giving ~target J
            b = [w if rng.random() < keep else rng.choice(vocab) for w in a]
        else:
            cut = int(len(a) * 2 * target / (1 + target))
            other = rng.choice(docs)
            b = a[:cut] + other[cut:]
        pairs.append((" ".join(a), " ".join(b)))
    return pairs


def expected_mae(j: np.ndarray, k: int) -> float:
    """E|X/k − J| for X ~ Binomial(k, J), averaged over the pairs: the error of an ideal MinHash."""
    x = np.arange(k + 1)
    logc = np.array([math.lgamma(k + 1) - math.lgamma(i + 1) - math.lgamma(k - i + 1) for i in x])
    total = 0.0
    for p in j:
        if p <= 0 or p >= 1:
            continue
        pmf = np.exp(logc + x * math.log(p) + (k - x) * math.log1p(-p))
        total += float(pmf @ np.abs(x / k - p))
    return total / len(j)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--pairs", type=int, default=2000)
    ap.add_argument("--datasketch-docs", type=int, default=2000, help="datasketch is slow: time a subset")
    args = ap.parse_args()

    texts = load_articles(args.docs)
    D = len(texts)
    print(f"{D} articles, median {int(np.median([len(t.encode()) for t in texts]))} bytes")
    t0 = time.perf_counter()
    keys = [match_key(t) for t in texts]
    key_us = (time.perf_counter() - t0) / D * 1e6
    gc.freeze()  # millions of live small objects would otherwise bill the collector to whoever runs next
    shingles_many(keys[:10])  # warm-up: builds the character-class table once (~0.15 s)

    rows: list[tuple[str, str, str]] = []  # (method, num_perm, µs/article)
    rows.append(("match_key (all methods)", "—", f"{key_us:.1f}"))

    flat, offsets = shingles_many(keys, N)
    sets = [flat[offsets[i] : offsets[i + 1]] for i in range(D)]
    rows.append(
        ("khabar shingles_many (batched)", "—", f"{per_doc_us(lambda: shingles_many(keys, N), D, 3):.1f}")
    )
    rows.append(
        ("khabar shingles (per doc)", "—", f"{per_doc_us(lambda: [shingles(k, N) for k in keys], D):.1f}")
    )
    rows.append(
        (
            "khabar findall + word_ngram_hashes (per doc)",
            "—",
            f"{per_doc_us(lambda: [word_ngram_hashes(WORD_RE.findall(k), N) for k in keys], D):.1f}",
        )
    )
    grams: list[list[str]] = []
    prep = per_doc_us(lambda: grams.extend(gram_strings(k) for k in keys), D)
    rows.append(("findall + 5-gram strings (rensa/datasketch input)", "—", f"{prep:.1f}"))
    gc.freeze()

    flat64 = flat.astype(np.uint64)  # rensa's flat-hash entry point takes u64 token hashes
    dsn = min(args.datasketch_docs, D)
    e2e: list[tuple[str, str, str]] = []
    for P in PERMS:
        h = MinHasher(P, SEED)
        sign_us = per_doc_us(lambda h=h: h.sign_flat(flat, offsets), D, 3)
        rows.append(("khabar sign_flat (batched)", str(P), f"{sign_us:.1f}"))
        rows.append(
            (
                "khabar sign_many (list of arrays)",
                str(P),
                f"{per_doc_us(lambda h=h: h.sign_many(sets), D, 3):.1f}",
            )
        )
        rows.append(
            (
                "khabar sign (per doc)",
                str(P),
                f"{per_doc_us(lambda h=h: [h.sign(s) for s in sets], D, 2):.1f}",
            )
        )
        sh_us = per_doc_us(lambda: shingles_many(keys, N), D, 3)
        e2e.append(("khabar shingles_many + sign_flat", str(P), f"{sh_us + sign_us:.1f}"))
        if RMinHash is not None:

            def rensa_each(P: int = P) -> None:
                for g in grams:
                    m = RMinHash(num_perm=P, seed=SEED)
                    m.update(g)
                    m.digest()

            r_each = per_doc_us(rensa_each, D, 2)
            r_bulk = per_doc_us(lambda P=P: RMinHash.digest_matrix_from_token_sets(grams, P, SEED), D, 3)
            r_flat = per_doc_us(
                lambda P=P: RMinHash.digest_matrix_from_flat_token_hashes(flat64, offsets, P, SEED), D, 3
            )
            rows.append(("rensa RMinHash.update + digest (per doc)", str(P), f"{r_each:.1f}"))
            rows.append(("rensa RMinHash.digest_matrix_from_token_sets (batched)", str(P), f"{r_bulk:.1f}"))
            rows.append(
                ("rensa digest_matrix_from_flat_token_hashes (khabar's shingles)", str(P), f"{r_flat:.1f}")
            )
            e2e.append(("rensa: findall + 5-gram strings + batched digest", str(P), f"{prep + r_bulk:.1f}"))
            e2e.append(("khabar shingles_many + rensa flat-hash digest", str(P), f"{sh_us + r_flat:.1f}"))
        if DSMinHash is not None:

            def ds_each(P: int = P) -> None:
                for g in grams[:dsn]:
                    m = DSMinHash(num_perm=P, seed=SEED)
                    m.update_batch([s.encode("utf-8") for s in g])

            rows.append(
                (
                    f"datasketch MinHash.update_batch (per doc, {dsn} docs)",
                    str(P),
                    f"{per_doc_us(ds_each, dsn):.1f}",
                )
            )

    # Accuracy on pairs with known true Jaccard.
    pairs = make_pairs(keys, args.pairs, random.Random(7))
    a_keys = [match_key(a) for a, _ in pairs]
    b_keys = [match_key(b) for _, b in pairs]
    fa, oa = shingles_many(a_keys, N)
    fb, ob = shingles_many(b_keys, N)
    true_j = np.array([jaccard(fa[oa[i] : oa[i + 1]], fb[ob[i] : ob[i + 1]]) for i in range(len(pairs))])
    ga = [gram_strings(k) for k in a_keys]
    gb = [gram_strings(k) for k in b_keys]
    true_js = np.array([len(set(x) & set(y)) / len(set(x) | set(y)) for x, y in zip(ga, gb, strict=True)])
    acc: list[tuple[str, str, str]] = []
    for P in PERMS:
        h = MinHasher(P, SEED)
        sa, sb = h.sign_flat(fa, oa), h.sign_flat(fb, ob)
        est = (sa == sb).mean(axis=1)
        acc.append(("khabar MinHasher", str(P), f"{np.abs(est - true_j).mean():.4f}"))
        if RMinHash is not None:
            ra = RMinHash.digest_matrix_from_token_sets(ga, P, SEED)
            rb = RMinHash.digest_matrix_from_token_sets(gb, P, SEED)
            ra, rb = (np.array(m.to_rows(), dtype=np.uint32) for m in (ra, rb))
            acc.append(("rensa RMinHash", str(P), f"{np.abs((ra == rb).mean(axis=1) - true_js).mean():.4f}"))
        if DSMinHash is not None:
            errs = []
            for x, y, j in zip(ga, gb, true_js, strict=True):
                m1, m2 = DSMinHash(num_perm=P, seed=SEED), DSMinHash(num_perm=P, seed=SEED)
                m1.update_batch([s.encode() for s in x])
                m2.update_batch([s.encode() for s in y])
                errs.append(abs(m1.jaccard(m2) - j))
            acc.append(("datasketch MinHash", str(P), f"{np.mean(errs):.4f}"))
        acc.append(("ideal (binomial) MinHash", str(P), f"{expected_mae(true_j, P):.4f}"))

    q = np.quantile(true_j, [0.1, 0.25, 0.5, 0.75, 0.9])
    lines = [
        "# MinHash benchmark",
        "",
        "Reproduce: `PYTHONPATH=src .venv/bin/python benchmarks/minhash.py`",
        "",
        f"{D} SaudiNewsNet articles (median {int(np.median([len(t.encode()) for t in texts]))} bytes), "
        f"word {N}-grams of the matching key, seed {SEED}, one process; numpy {np.__version__}.",
        "",
        "## Speed (µs per article, lower is better)",
        "",
        "| step | num_perm | µs/article |",
        "|---|---:|---:|",
        *[f"| {a} | {b} | {c} |" for a, b, c in rows],
        "",
        "## From matching key to signature (µs per article)",
        "",
        "| pipeline | num_perm | µs/article |",
        "|---|---:|---:|",
        *[f"| {a} | {b} | {c} |" for a, b, c in e2e],
        "",
        f"## Estimator accuracy: mean |estimate − true Jaccard| over {len(pairs)} pairs",
        "",
        "Pairs: an article and an edit of it (random word substitutions, or its prefix spliced onto "
        "another article), sized for a spread of true Jaccard: quantiles 10/25/50/75/90% = "
        + ", ".join(f"{v:.2f}" for v in q)
        + f". True Jaccard of khabar's uint32 shingles vs of the 5-gram strings: max difference "
        f"{np.abs(true_j - true_js).max():.4f}.",
        "",
        "| estimator | num_perm | MAE |",
        "|---|---:|---:|",
        *[f"| {a} | {b} | {c} |" for a, b, c in acc],
        "",
    ]
    text = "\n".join(lines)
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    print(f"written to {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
