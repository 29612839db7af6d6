"""Training the NER tagger: word clusters from SaudiNewsNet, then a linear-chain CRF (python-crfsuite).

Everything is deterministic (fixed seeds, sorted inputs): the same shared data gives the same model.

Word clusters: PPMI + truncated SVD embeddings of the folded words of SaudiNewsNet (±2 window, context
distribution smoothing), k-means'd at several granularities. Each granularity is one CRF feature; the
coarse ones generalise to rare names, the fine ones keep distinctions (months vs. countries).
"""

from __future__ import annotations

import json
import time
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from khabar.enrich.ner.corpus import (
    Sentence,
    default_shared_dir,
    load_anercorp_split,
    load_aqmar,
)
from khabar.enrich.ner.features import Lexicon, fold, sentence_features
from khabar.text.keys import match_key
from khabar.text.tokens import TOKEN_RE

CLUSTER_SIZES = (64, 256, 1024)


def saudinewsnet_texts(shared_dir: Path | str) -> Iterator[str]:
    folder = Path(shared_dir) / "data" / "saudinewsnet"
    for path in sorted(folder.glob("*.zip")):
        with zipfile.ZipFile(path) as z:
            for name in sorted(z.namelist()):
                for article in json.loads(z.read(name)):
                    for field in ("title", "content"):
                        if text := article.get(field):
                            yield text


def _folded_token_lists(texts: Iterable[str]) -> Iterator[list[str]]:
    for text in texts:
        # fold the whole text at once (vectorised), then tokenise: the same folding as ``fold`` per token
        yield TOKEN_RE.findall(match_key(text))


def _kmeans(x: np.ndarray, k: int, seed: int, iters: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Plain Lloyd k-means (cosine on unit rows) with k-means++-lite init: a sample of distinct rows."""
    rng = np.random.default_rng(seed)
    centres = x[rng.choice(len(x), size=k, replace=False)].copy()
    labels = np.zeros(len(x), dtype=np.int32)
    for _ in range(iters):
        for lo in range(0, len(x), 16384):
            labels[lo : lo + 16384] = np.argmax(x[lo : lo + 16384] @ centres.T, axis=1)
        sums = np.zeros_like(centres)
        np.add.at(sums, labels, x)
        counts = np.bincount(labels, minlength=k)
        empty = counts == 0
        sums[empty] = x[rng.choice(len(x), size=int(empty.sum()), replace=False)]
        centres = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-9)
    return labels, centres


def build_clusters(
    token_lists: Iterable[list[str]],
    *,
    vocab_size: int = 80000,
    min_count: int = 5,
    contexts: int = 20000,
    dim: int = 100,
    sizes: tuple[int, ...] = CLUSTER_SIZES,
    seed: int = 13,
) -> dict[str, tuple[int, ...]]:
    """Folded word → one cluster id per granularity in ``sizes``."""
    from scipy import sparse
    from scipy.sparse.linalg import svds

    docs = [t for t in token_lists if t]
    counts = Counter(w for d in docs for w in d)
    ranked = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    vocab = ranked[:vocab_size]
    index = {w: i for i, w in enumerate(vocab)}
    n_ctx = min(contexts, len(vocab))
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    ids = np.array([index.get(w, -1) for d in docs for w in (*d, "\n")], dtype=np.int64)
    # "\n" is never in the vocabulary: -1 between documents keeps windows inside one document
    for off in (1, 2):
        a, b = ids[:-off], ids[off:]
        for left, right in ((a, b), (b, a)):
            ok = (left >= 0) & (right >= 0) & (right < n_ctx)
            rows.append(left[ok])
            cols.append(right[ok])
            vals.append(np.full(int(ok.sum()), 1.0 / off, dtype=np.float64))
    m = sparse.coo_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(len(vocab), n_ctx)
    ).tocsr()
    m.sum_duplicates()
    total = m.sum()
    row_p = np.asarray(m.sum(axis=1)).ravel() / total
    ctx = np.asarray(m.sum(axis=0)).ravel() ** 0.75
    ctx_p = ctx / ctx.sum()
    coo = m.tocoo()
    pmi = np.log(coo.data / total) - np.log(row_p[coo.row]) - np.log(ctx_p[coo.col])
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=m.shape)
    u, s, _ = svds(ppmi, k=dim, random_state=seed)
    emb = (u * np.sqrt(s)).astype(np.float32)
    emb /= np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-9)
    result = np.zeros((len(vocab), len(sizes)), dtype=np.int32)
    for j, k in enumerate(sizes):
        result[:, j], _ = _kmeans(emb, k, seed + j)
    return {w: tuple(int(c) for c in result[i]) for i, w in enumerate(vocab)}


def corpus_for_clusters(shared_dir: Path | str) -> Iterator[list[str]]:
    """SaudiNewsNet plus the training part of ANERcorp and AQMAR (never the test part)."""
    yield from _folded_token_lists(saudinewsnet_texts(shared_dir))
    train, _ = load_anercorp_split(shared_dir)
    for s in [*train, *load_aqmar(shared_dir)]:
        yield [fold(t) for t, _ in s]


DEFAULT_PARAMS: dict[str, float | int | bool] = {
    "c1": 0.05,
    "c2": 0.02,
    "max_iterations": 250,
    "feature.possible_transitions": True,
}


def train(
    out_path: Path | str,
    shared_dir: Path | str | None = None,
    *,
    sentences: list[Sentence] | None = None,
    lexicon: Lexicon | None = None,
    clusters_from: Path | str | None = None,
    use_aqmar: bool = False,
    params: dict[str, float | int | bool] | None = None,
    verbose: bool = False,
) -> dict[str, float]:
    """Train the CRF tagger and write it (``ner.crfsuite`` plus its lexicon tables) into folder ``out_path``.

    By default it trains on the CAMeL train split of ANERcorp, with clusters built from SaudiNewsNet (about a
    minute) unless ``clusters_from`` names a folder holding ``clusters.tsv.gz``. ``use_aqmar`` adds AQMAR
    (Wikipedia): it cost 0.8 micro-F1 on the test split, its MISC classes being defined differently.
    ``sentences`` and ``lexicon`` replace the shared data entirely (tests, experiments).
    Returns timings in seconds.
    """
    import pycrfsuite

    out = Path(out_path)
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    shared = Path(shared_dir) if shared_dir is not None else default_shared_dir()
    if lexicon is None:
        t = time.perf_counter()
        if clusters_from is not None:
            clusters = Lexicon.load(Path(clusters_from)).clusters
        else:
            clusters = build_clusters(corpus_for_clusters(shared))
        lexicon = Lexicon(clusters)
        timings["clusters_s"] = time.perf_counter() - t
    if sentences is None:
        sentences, _ = load_anercorp_split(shared)
        if use_aqmar:
            sentences = sentences + load_aqmar(shared)
    t = time.perf_counter()
    trainer = pycrfsuite.Trainer(verbose=verbose)
    for s in sentences:
        tokens = [tok for tok, _ in s]
        trainer.append(sentence_features(tokens, lexicon), [tag for _, tag in s])
    trainer.set_params({**DEFAULT_PARAMS, **(params or {})})
    timings["features_s"] = time.perf_counter() - t
    t = time.perf_counter()
    trainer.train(str(out / "ner.crfsuite"))
    timings["crf_s"] = time.perf_counter() - t
    lexicon.save(out)
    return timings


__all__ = [
    "build_clusters",
    "corpus_for_clusters",
    "train",
]
