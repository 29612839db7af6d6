"""The shipped NER tagger: a linear-chain CRF over the features of ``khabar.enrich.ner.features``.

The model (``ner.crfsuite``) and its word clusters (``clusters.tsv.gz``) live in ``khabar/data/ner/``;
gazetteer marks come from khabar's own place and agency tables. Loading reads only those, never the network.

Tagging does not hand attribute strings to crfsuite: a CRF's state score is a sum of attribute weights, so
the weights are read from the model once and the same sums are computed with numpy.

- Each distinct word gets a row of cached ``(5, labels)`` sums: its own attributes and those it lends to
  the tokens two and one before and after it (the ±2 window). New words of a call are summed in one go.
- All sentences of a call are laid end to end; window, bound and bigram scores are shifted array additions
  masked at sentence edges. Word bigrams are found by binary search over the weighted pairs' codes, cluster
  bigrams by indexing a table; only gazetteer phrase marks are matched in Python, at the few tokens that
  can start a phrase.
- Decoding is Viterbi over all sentences of the call at once, one numpy step per token position: its
  cost is mostly per step, so tagging many articles' sentences in one call (``find_entities_many``) is
  several times cheaper per article than one article at a time.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

import numpy as np

from khabar.enrich.ner.features import CACHE_SIZE, OFFSETS, WINDOW_KEYS, Lexicon

_BLOCK = 512  # sentences per Viterbi batch (sorted by length, so padding stays small)
_NONE: dict[str, int] = {}  # an empty lookup table


def default_model_dir() -> Path:
    return Path(str(resources.files("khabar").joinpath("data/ner")))


def _splits(value: str) -> list[tuple[str, str]]:
    """Every ``(left, right)`` reading of a bigram value ``left|right`` (a word may itself hold ``|``)."""
    return [(value[:k], value[k + 1 :]) for k, ch in enumerate(value) if ch == "|"]


class NerModel:
    """BIO tagger over PERS, LOC, ORG and MISC for pre-tokenised Arabic text."""

    def __init__(self, folder: Path) -> None:
        import pycrfsuite

        self.folder = folder
        self.lexicon = Lexicon.load(folder)
        tagger = pycrfsuite.Tagger()
        tagger.open(str(folder / "ner.crfsuite"))
        info = tagger.info()
        labels = sorted(info.labels, key=lambda lab: int(info.labels[lab]))
        self.labels = labels
        n_labels = len(labels)
        lid = {lab: k for k, lab in enumerate(labels)}
        attrs = sorted({a for a, _ in info.state_features})
        self._attr = {a: k for k, a in enumerate(attrs)}
        self._zero = len(attrs)  # index of an all-zero row: pads the sums of words with no attribute
        weights = np.zeros((len(attrs) + 1, n_labels))
        for (a, lab), w in info.state_features.items():
            weights[self._attr[a], lid[lab]] = w
        self._weights = weights
        trans = np.zeros((n_labels, n_labels))
        for (src, dst), w in info.transitions.items():
            trans[lid[src], lid[dst]] = w
        self._trans = trans
        # Per-word attributes by feature name and value, summed into one (5, labels) block per value: slot 0
        # ``stem=X`` (what a word with stem X gives itself), slots 1-4 ``-2:stem=X`` … ``2:stem=X`` (what it
        # lends the tokens at offsets -2, -1, +1, +2). Block 0 is ``bias``, which every word has. A new
        # word's sums are then the sum of one block per feature value, without building its attribute
        # strings; attributes without weights change no score.
        slot_of = {f"{d}:": slot for slot, d in enumerate(OFFSETS, start=1)}
        value_id: dict[str, dict[str, int]] = {}
        parts: list[tuple[int, int, int]] = [(0, 0, self._attr["bias"])] if "bias" in self._attr else []
        for a, k in self._attr.items():
            head, colon, rest = a.partition(":")
            slot = slot_of.get(head + colon, 0)
            name, eq, value = (rest if slot else a).partition("=")
            if eq and (not slot or name in WINDOW_KEYS):
                ids = value_id.setdefault(name, {})
                vid = ids.setdefault(value, len(parts) + 1)  # unique, above 0 (ids need not be dense)
                parts.append((vid, slot, k))
        self._value_id = value_id
        blocks = np.zeros((len(parts) + 2, 5, n_labels))
        for vid, slot, k in parts:
            blocks[vid, slot] += weights[k]
        self._value_blocks = blocks

        def row(attribute: str) -> np.ndarray:
            k = self._attr.get(attribute)
            return weights[k] if k is not None else weights[self._zero]

        self._bound = {d: row(f"{d}:BOUND") for d in OFFSETS}
        # Bigram attributes: "bi-=a|b" on the second word of a pair, "bi+=a|b" on the first (folded words);
        # "cbi-"/"cbi+" the same over coarse cluster ids. Word pairs are found by binary search over their
        # codes (key id of a × number of keys + key id of b), cluster pairs by indexing a table.
        by_prefix: dict[str, list[str]] = {"bi-": [], "bi+": [], "cbi-": [], "cbi+": []}
        for a in attrs:
            name, eq, value = a.partition("=")
            if eq and name in by_prefix:
                by_prefix[name].append(value)
        keys = sorted({p for v in by_prefix["bi-"] + by_prefix["bi+"] for pair in _splits(v) for p in pair})
        self._key_id = {k: i + 1 for i, k in enumerate(keys)}  # 0: a word in no weighted pair
        self._n_keys = len(keys) + 1
        self._pairs: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for prefix in ("bi-", "bi+"):
            found: dict[int, np.ndarray] = {}
            for v in by_prefix[prefix]:
                for left, right in _splits(v):
                    found[self._key_id[left] * self._n_keys + self._key_id[right]] = row(f"{prefix}={v}")
            codes = np.array(sorted(found), dtype=np.int64)
            rows = np.array([found[c] for c in codes.tolist()]).reshape(len(codes), n_labels)
            self._pairs[prefix] = (codes, rows)
        clusters = sorted(
            {p for v in by_prefix["cbi-"] + by_prefix["cbi+"] for pair in _splits(v) for p in pair}
        )
        self._cluster_id = {c: i + 1 for i, c in enumerate(clusters)}  # 0: a cluster in no weighted pair
        self._cluster_pairs: dict[str, np.ndarray] = {}
        for prefix in ("cbi-", "cbi+"):
            table = np.zeros((len(clusters) + 1, len(clusters) + 1, n_labels))
            for v in by_prefix[prefix]:
                for left, right in _splits(v):
                    table[self._cluster_id[left], self._cluster_id[right]] = row(f"{prefix}={v}")
            self._cluster_pairs[prefix] = table
        # Gazetteer marks: phrase lengths to try per head (longest first), and each mark's weighted
        # attributes as (offset, row): d = 0 its own ``gz=``, else the ``d:gz=`` it lends token j - d.
        lengths_from: dict[str, set[int]] = {}
        for phrase in self.lexicon.phrases or {}:
            lengths_from.setdefault(phrase[0], set()).add(len(phrase))
        self._phrase_lengths = {h: sorted(v, reverse=True) for h, v in lengths_from.items()}
        seconds: dict[str, set[str]] = {h: set() for h in lengths_from}  # second words of longer phrases
        for phrase in self.lexicon.phrases or {}:
            if len(phrase) > 1:
                seconds[phrase[0]].add(phrase[1])
        self._phrase_seconds = seconds
        kinds = sorted({k for ks in (self.lexicon.phrases or {}).values() for k in ks})
        self._mark_rows = {
            f"{bi}-{kind}": [
                (d, self._attr[a])
                for d, a in ((0, f"gz={bi}-{kind}"), *((d, f"{d}:gz={bi}-{kind}") for d in OFFSETS))
                if a in self._attr
            ]
            for kind in kinds
            for bi in "BI"
        }
        # Per distinct word (by row): summed weights, cluster and key ids, gazetteer heads.
        self._row: dict[str, int] = {}
        self._keys: list[str] = []
        self._sums = np.zeros((1024, 5, n_labels))
        self._word_cluster = np.zeros(1024, dtype=np.int64)
        self._word_key = np.zeros(1024, dtype=np.int64)
        self._may_start = np.zeros(1024, dtype=bool)  # the word may start a gazetteer phrase
        self._heads: list[tuple[str, ...]] = []

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
        flat = [t for s in sentences for t in s]
        lengths = np.array([len(s) for s in sentences], dtype=np.int64)
        tags = list(map(self.labels.__getitem__, self.tag_flat(flat, lengths).tolist()))
        out = []
        at = 0
        for n in lengths.tolist():
            out.append(tags[at : at + n])
            at += n
        return out

    def tag_flat(self, tokens: list[str], lengths: np.ndarray) -> np.ndarray:
        """Label indices (into ``labels``) of sentences laid end to end: ``tokens`` holds them all,
        ``lengths`` their sizes in order (summing to ``len(tokens)``)."""
        if int(lengths.sum()) != len(tokens):
            raise ValueError(f"sentence lengths sum to {int(lengths.sum())}, not to the {len(tokens)} tokens")
        if not tokens:
            return np.zeros(0, dtype=np.intp)
        return self._decode(self._scores(tokens, lengths), lengths)

    # -- scores ---------------------------------------------------------------------------------------------

    def _rows(self, tokens: list[str]) -> np.ndarray:
        """The word-table row of each token, adding the words not seen before."""
        get = self._row.get
        rows = [get(t, -1) for t in tokens]
        if -1 in rows:
            new = list(dict.fromkeys(t for t, r in zip(tokens, rows, strict=True) if r == -1))
            if len(self._row) + len(new) > CACHE_SIZE:  # full: start over with this call's words
                self._reset()
                new = list(dict.fromkeys(tokens))
            self._add_words(new)
            get = self._row.get
            rows = [get(t, -1) for t in tokens]
        return np.array(rows, dtype=np.int64)

    def _reset(self) -> None:
        self._row.clear()
        self._keys.clear()
        self._heads.clear()

    def _add_words(self, tokens: list[str]) -> None:
        lex = self.lexicon
        start = len(self._keys)
        end = start + len(tokens)
        if end > len(self._sums):
            size = max(end, 2 * len(self._sums))
            for name in ("_sums", "_word_cluster", "_word_key", "_may_start"):
                old = getattr(self, name)
                grown = np.zeros((size, *old.shape[1:]), dtype=old.dtype)
                grown[: len(old)] = old
                setattr(self, name, grown)
        index: list[int] = []  # the value blocks of each new word, led by block 0 (bias)
        bounds: list[int] = []
        starts, value_id = lex._starts, self._value_id
        for i, token in enumerate(tokens, start=start):
            key, values, heads = lex.values(token)
            self._row[token] = i
            self._keys.append(key)
            self._heads.append(tuple(h for h in heads if h in starts))
            self._may_start[i] = bool(self._heads[-1])
            self._word_cluster[i] = self._cluster_id.get(values.get("c1", "-"), 0)
            self._word_key[i] = self._key_id.get(key, 0)
            bounds.append(len(index))
            index.append(0)
            for name, value in values.items():
                vid = value_id.get(name, _NONE).get(value)
                if vid is not None:
                    index.append(vid)
        self._sums[start:end] = np.add.reduceat(self._value_blocks[index], bounds, axis=0)

    def _scores(self, flat: list[str], lengths: np.ndarray) -> np.ndarray:
        """State scores ``(tokens, labels)`` of sentences laid end to end: per token, the sum of the weights
        of the attributes ``sentence_features`` gives it."""
        n = len(flat)
        rows = self._rows(flat)
        sums = self._sums[rows]
        first = np.repeat(np.cumsum(lengths) - lengths, lengths)
        pos = np.arange(n) - first  # position in its sentence
        left = pos  # tokens before it in its sentence
        right = np.repeat(lengths, lengths) - pos - 1  # tokens after it
        e = sums[:, 0].copy()
        # token i gets the row the word at i+d lends to offset d (rows 1-4: d = -2, -1, +1, +2)
        for d, k in ((-2, 1), (-1, 2), (1, 3), (2, 4)):
            inside = (left >= -d) if d < 0 else (right >= d)
            if d < 0:
                e[-d:] += sums[: n + d, k] * inside[-d:, None]
            else:
                e[: n - d] += sums[d:, k] * inside[: n - d, None]
            e += (~inside)[:, None] * self._bound[d]
        if n > 1:
            linked = (left[1:] > 0)[:, None]  # token i+1 follows token i in one sentence
            c = self._word_cluster[rows]
            e[1:] += self._cluster_pairs["cbi-"][c[:-1], c[1:]] * linked
            e[:-1] += self._cluster_pairs["cbi+"][c[:-1], c[1:]] * linked
            k = self._word_key[rows]
            codes = k[:-1] * self._n_keys + k[1:]
            for prefix, target in (("bi-", e[1:]), ("bi+", e[:-1])):
                known, weights = self._pairs[prefix]
                if not len(known):
                    continue
                at = np.minimum(np.searchsorted(known, codes), len(known) - 1)
                hit = np.flatnonzero((known[at] == codes) & linked[:, 0])
                target[hit] += weights[at[hit]]
        self._add_marks(e, rows, first, first + np.repeat(lengths, lengths))
        return e

    def _add_marks(self, e: np.ndarray, rows: np.ndarray, first: np.ndarray, end: np.ndarray) -> None:
        """Gazetteer phrase marks (``gz=B-PL-country`` …) on the tokens a phrase covers and, as ``d:gz=``,
        on the tokens within two of them; as ``Lexicon.marks``: longest phrase per head, marks deduplicated.
        ``first``/``end``: where each token's sentence starts and ends (exclusive)."""
        candidates = np.flatnonzero(self._may_start[rows]).tolist()
        if not candidates:
            return
        heads = self._heads
        row_list = rows.tolist()
        phrases = self.lexicon.phrases
        assert phrases is not None
        lengths_from, seconds, keys = self._phrase_lengths, self._phrase_seconds, self._keys
        end_at = end.tolist()
        marks: dict[int, set[str]] = {}
        for i in candidates:
            room = end_at[i] - i
            after = keys[row_list[i + 1]] if room > 1 else None
            for h in heads[row_list[i]]:
                for length in lengths_from[h]:
                    if length > room or (length > 1 and after not in seconds[h]):
                        continue
                    words = (
                        (h, after, *[keys[r] for r in row_list[i + 2 : i + length]]) if length > 1 else (h,)
                    )
                    kinds = phrases.get(words)
                    if kinds is not None:
                        for k in kinds:
                            marks.setdefault(i, set()).add("B-" + k)
                            for j in range(i + 1, i + length):
                                marks.setdefault(j, set()).add("I-" + k)
                        break
        mark_rows = self._mark_rows
        at: list[int] = []
        which: list[int] = []
        first_at = first.tolist()
        for j, found in marks.items():
            lo, hi = first_at[j], end_at[j]
            for m in found:
                for d, k in mark_rows[m]:
                    i = j - d  # token i sees the marks of token i + d (d = 0: its own)
                    if lo <= i < hi:
                        at.append(i)
                        which.append(k)
        if at:
            np.add.at(e, at, self._weights[which])

    # -- decoding -------------------------------------------------------------------------------------------

    def _decode(self, e: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Viterbi over every sentence (first-order CRF, no start/end weights), in batches of sentences of
        similar length: at step ``t`` only the sentences still running, a suffix of the batch, advance."""
        path = np.zeros(len(e), dtype=np.intp)
        starts = (np.cumsum(lengths) - lengths).tolist()
        order = sorted((i for i, n in enumerate(lengths.tolist()) if n), key=lambda i: (int(lengths[i]), i))
        trans = self._trans
        n_labels = trans.shape[0]
        for lo in range(0, len(order), _BLOCK):
            chunk = order[lo : lo + _BLOCK]
            sizes = [int(lengths[i]) for i in chunk]
            batch, longest = len(chunk), sizes[-1]
            steps = np.zeros((batch, longest, n_labels))
            for b, (i, n) in enumerate(zip(chunk, sizes, strict=True)):
                steps[b, :n] = e[starts[i] : starts[i] + n]
            back = np.zeros((batch, longest, n_labels), dtype=np.intp)
            best = steps[:, 0].copy()
            k = 0
            for t in range(1, longest):
                while sizes[k] <= t:
                    k += 1
                cand = best[k:, :, None] + trans  # (running, from, to)
                back[k:, t] = cand.argmax(axis=1)
                best[k:] = cand.max(axis=1) + steps[k:, t]
            ends = best.argmax(axis=1).tolist()
            for b, (i, n) in enumerate(zip(chunk, sizes, strict=True)):
                rows = back[b, :n].tolist()
                cur = ends[b]
                at = starts[i]
                for t in range(n - 1, -1, -1):
                    path[at + t] = cur
                    cur = rows[t][cur]
        return path


@functools.cache
def _load(folder: Path) -> NerModel:
    if not (folder / "ner.crfsuite").exists():
        raise FileNotFoundError(f"no NER model at {folder} (train one with `khabar train-ner`)")
    return NerModel(folder)
