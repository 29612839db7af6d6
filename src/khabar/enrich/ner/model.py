"""The shipped NER tagger: a linear-chain CRF over the features of ``khabar.enrich.ner.features``.

The model (``ner.crfsuite``) and its word clusters (``clusters.tsv.gz``) live in ``khabar/data/ner/``;
gazetteer marks come from khabar's own place and agency tables. Loading reads only those, never the network.

Tagging does not hand attribute strings to crfsuite token by token: the weights are read from the model once,
and since a CRF's state score is a sum of attribute weights, each distinct word's own attributes and the
attributes it lends each window offset are summed once into a cached ``(5, labels)`` block. A sentence's
scores are then a few shifted array additions plus the weights of its few sentence-level attributes
(bounds, bigrams, gazetteer marks), and Viterbi runs over all sentences of a call at once (padded batches).
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

import numpy as np

from khabar.enrich.ner.features import CACHE_SIZE, Lexicon, sentence_extras

_BLOCK = 256  # sentences per Viterbi batch (sorted by length, so padding stays small)


def default_model_dir() -> Path:
    return Path(str(resources.files("khabar").joinpath("data/ner")))


class NerModel:
    """BIO tagger over PERS, LOC, ORG and MISC for pre-tokenised Arabic text."""

    def __init__(self, folder: Path) -> None:
        import pycrfsuite

        self.folder = folder
        self.lexicon = Lexicon.load(folder)
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(folder / "ner.crfsuite"))
        info = self._tagger.info()
        labels = sorted(info.labels, key=lambda lab: int(info.labels[lab]))
        self.labels = labels
        lid = {lab: k for k, lab in enumerate(labels)}
        attrs = sorted({a for a, _ in info.state_features})
        self._attr = {a: k for k, a in enumerate(attrs)}
        self._weights = np.zeros((len(attrs) + 1, len(labels)))  # last row: zeros (empty sums)
        for (a, lab), w in info.state_features.items():
            self._weights[self._attr[a], lid[lab]] = w
        self._trans = np.zeros((len(labels), len(labels)))
        for (src, dst), w in info.transitions.items():
            self._trans[lid[src], lid[dst]] = w
        # Attributes without weights change no score: the lexicon stops building them.
        self.lexicon.restrict(frozenset(attrs))
        self._blocks: dict[str, np.ndarray] = {}

    @classmethod
    def load(cls, path: Path | str | None = None) -> NerModel:
        """The model in folder ``path`` (or the folder of a ``ner.crfsuite`` file), by default the committed
        one; cached, so repeated loads are free."""
        folder = Path(path) if path is not None else default_model_dir()
        if folder.is_file():
            folder = folder.parent
        return _load(folder.resolve())

    def tag(self, tokens: list[str]) -> list[str]:
        """One BIO tag per token (``B-LOC``, ``I-PERS``, ``O`` ...)."""
        return self.tag_sentences([tokens])[0]

    def tag_sentences(self, sentences: list[list[str]]) -> list[list[str]]:
        """``tag`` over each sentence (an empty sentence gets no tags)."""
        out: list[list[str]] = [[] for _ in sentences]
        order = sorted((i for i, s in enumerate(sentences) if s), key=lambda i: len(sentences[i]))
        for lo in range(0, len(order), _BLOCK):
            chunk = order[lo : lo + _BLOCK]
            paths = self._viterbi([self._scores(sentences[i]) for i in chunk])
            labels = self.labels
            for i, path in zip(chunk, paths, strict=True):
                out[i] = [labels[k] for k in path]
        return out

    def _block(self, token: str) -> np.ndarray:
        """Summed weights of one word: its own attributes (row 0) and those it lends to the token at
        window offset -2, -1, +1, +2 from it (rows 1-4)."""
        b = self._blocks.get(token)
        if b is None:
            if len(self._blocks) >= CACHE_SIZE:
                self._blocks.clear()
            w = self.lexicon.word(token)
            attr, weights = self._attr, self._weights
            rows = [w.own, w.win[-2], w.win[-1], w.win[1], w.win[2]]
            b = np.stack([weights[[attr[a] for a in r]].sum(axis=0) for r in rows])
            self._blocks[token] = b
        return b

    def _scores(self, tokens: list[str]) -> np.ndarray:
        """State scores ``(tokens, labels)``: the sum of the weights of ``sentence_features``' attributes."""
        blocks = np.stack([self._block(t) for t in tokens])
        e = blocks[:, 0].copy()
        # the word at j lends row d to token j - offset: token i gets word i-2's "-2" row, etc.
        e[2:] += blocks[:-2, 1]
        e[1:] += blocks[:-1, 2]
        e[:-1] += blocks[1:, 3]
        e[:-2] += blocks[2:, 4]
        lex = self.lexicon
        extras = sentence_extras([lex.word(t) for t in tokens], lex)
        attr = self._attr
        rows = [attr[a] for f in extras for a in f]
        at = [i for i, f in enumerate(extras) for _ in f]
        np.add.at(e, at, self._weights[rows])
        return e

    def _viterbi(self, scores: list[np.ndarray]) -> list[list[int]]:
        """Best label paths for several sentences at once, shortest first (first-order CRF, no start/end
        weights): at step ``t`` only the sentences still running, a suffix of the batch, advance."""
        n_labels = self._trans.shape[0]
        lengths = [len(s) for s in scores]
        longest = lengths[-1]
        batch = len(scores)
        e = np.zeros((batch, longest, n_labels))
        for b, s in enumerate(scores):
            e[b, : len(s)] = s
        back = np.zeros((batch, longest, n_labels), dtype=np.intp)
        best = e[:, 0].copy()
        trans = self._trans
        k = 0
        for t in range(1, longest):
            while lengths[k] <= t:
                k += 1
            cand = best[k:, :, None] + trans  # (running, from, to)
            back[k:, t] = cand.argmax(axis=1)
            best[k:] = cand.max(axis=1) + e[k:, t]
        ends = best.argmax(axis=1).tolist()
        paths = []
        for b, n in enumerate(lengths):
            rows = back[b, :n].tolist()
            cur = ends[b]
            path = [0] * n
            for t in range(n - 1, -1, -1):
                path[t] = cur
                cur = rows[t][cur]
            paths.append(path)
        return paths


@functools.cache
def _load(folder: Path) -> NerModel:
    if not (folder / "ner.crfsuite").exists():
        raise FileNotFoundError(f"no NER model at {folder} (train one with `khabar train-ner`)")
    return NerModel(folder)
