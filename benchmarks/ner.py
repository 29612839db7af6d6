"""Arabic NER on the standard CAMeL split of ANERcorp: entity-level P/R/F1 per type, training time, speed.

Reproduce::

    PYTHONPATH=src .venv/bin/python benchmarks/ner.py [--train]

Without ``--train`` the committed model (``src/khabar/data/ner``) is scored; with it, the model is first
retrained from scratch into a temporary folder (SaudiNewsNet clusters + CRF) and that one is scored.
Needs ANERcorp under ``$KHABAR_SHARED/data/anercorp`` (default ``<repo>/../shared``).
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from pathlib import Path

from _common import BENCH, best_of
from khabar.enrich.ner.corpus import anercorp_path, default_shared_dir, load_anercorp_split
from khabar.enrich.ner.evaluate import evaluate, format_table
from khabar.enrich.ner.model import NerModel, default_model_dir

RESULTS = BENCH / "results" / "ner.md"

PUBLISHED = """| system | micro F1 |
|---|---:|
| CAMeL Tools / AraBERT (BERT) | ≈ 83 |
| best BiLSTM-CRF (published) | 81.7 |
| mBERT | 78.4 |
| linear CRF, shape/affix/window/gazetteer features (earlier baseline here) | 66.3 |"""


def saudinewsnet_sentences(shared: Path, max_tokens: int = 150_000) -> list[list[str]]:
    """Token lists of SaudiNewsNet paragraphs, sentence by sentence as ``khabar.enrich.entities`` feeds the
    tagger (first archive, files in order, until ``max_tokens``)."""
    import json
    import zipfile

    from khabar.text.sentences import split_sentences
    from khabar.text.tokens import tokenize

    paths = sorted((shared / "data" / "saudinewsnet").glob("*.zip"))
    out: list[list[str]] = []
    n = 0
    if not paths:
        return out
    with zipfile.ZipFile(paths[0]) as z:
        for name in sorted(z.namelist()):
            for article in json.loads(z.read(name)):
                for para in (article.get("content") or "").split("\n"):
                    tokens = tokenize(para)
                    k = 0
                    for _, end in [*split_sentences(para), (len(para) + 1, len(para) + 1)]:
                        sent = []
                        while k < len(tokens) and tokens[k].start < end:
                            sent.append(tokens[k].text)
                            k += 1
                        if sent:
                            out.append(sent)
                            n += len(sent)
                    if n >= max_tokens:
                        return out
    return out


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", action="store_true", help="retrain from scratch before scoring")
    ap.add_argument("--aqmar", action="store_true", help="with --train: add AQMAR to the training data")
    ap.add_argument("--out", type=Path, default=RESULTS, help="Markdown report path")
    args = ap.parse_args()

    shared = default_shared_dir()
    if not anercorp_path(shared).exists():
        print(f"ANERcorp not found at {anercorp_path(shared)} (set KHABAR_SHARED to the shared/ folder)")
        return 0
    train_sents, test_sents = load_anercorp_split(shared)
    print(
        f"CAMeL split: train {len(train_sents)} sentences / {sum(map(len, train_sents))} words, "
        f"test {len(test_sents)} / {sum(map(len, test_sents))}"
    )

    train_note = (
        "committed model, not retrained in this run; `khabar train-ner --shared ../shared -o DIR` (the CLI, end "
        "to end) measured 2 min 23 s on 1 core of a shared machine (clusters 62 s, features 4 s, CRF 75 s)"
    )
    tmp = None
    folder = default_model_dir()
    if args.train:
        from khabar.enrich.ner.train import train

        tmp = tempfile.TemporaryDirectory()
        folder = Path(tmp.name)
        t = time.perf_counter()
        timings = train(folder, shared, use_aqmar=args.aqmar)
        total = time.perf_counter() - t
        parts = ", ".join(f"{k.removesuffix('_s')} {v:.0f} s" for k, v in timings.items())
        train_note = f"{total:.0f} s total on 1 CPU core ({parts})"
        print(f"training: {train_note}")

    t = time.perf_counter()
    model = NerModel.load(folder)
    load_s = time.perf_counter() - t
    tokens = [[w for w, _ in s] for s in test_sents]
    t = time.perf_counter()
    pred = model.tag_sentences(tokens)
    tag_s = time.perf_counter() - t
    n_tokens = sum(map(len, tokens))
    snn = saudinewsnet_sentences(shared)
    snn_speed = "SaudiNewsNet not found"
    if snn:
        n_snn = sum(map(len, snn))
        # first pass fills the word cache; the best pass is the steady state
        best, _ = best_of(lambda: model.tag_sentences(snn), 3)
        snn_speed = f"{n_snn / best:,.0f} tokens/s on {len(snn)} SaudiNewsNet sentences ({n_snn} tokens)"
    scores = evaluate([[g for _, g in s] for s in test_sents], pred)
    table = format_table(scores)
    size = _size(folder)
    speed = f"{n_tokens / tag_s:,.0f} tokens/s (1 thread, features included); load {load_s:.2f} s"
    print(table)
    print(f"tagging: {speed}")
    print(f"tagging: {snn_speed}")
    print(f"model size: {size / 1e6:.2f} MB")

    cmd = "PYTHONPATH=src .venv/bin/python benchmarks/ner.py" + " ".join(["", *sys.argv[1:]])
    report = f"""# NER: ANERcorp, CAMeL split

Command: `{cmd}`

Machine: {platform.machine()}, Python {platform.python_version()}. Test split: {len(test_sents)} sentences,
{n_tokens} tokens. Entity-level, exact span and type (conlleval semantics).

{table}

- Training: {train_note}
- Tagging, ANERcorp test split (one cold pass): {speed}
- Tagging, SaudiNewsNet paragraphs (steady state, best of 3, 1 thread, features included): {snn_speed}
- Model size: {size / 1e6:.2f} MB (`ner.crfsuite` + `clusters.tsv.gz`; no name lists are shipped)

Model: linear-chain CRF (python-crfsuite, L-BFGS, L1+L2) over folded word, clitic-split stem, affixes,
shape, ±2 window, bigrams, phrase matches against khabar's own place gazetteer and agency/outlet table,
and SaudiNewsNet word clusters (PPMI+SVD embeddings k-means'd at 64/256/1024). Trained on the CAMeL train
split of ANERcorp only; no external name list (ANERGazet) is used, at training or tagging time.

Speed: crfsuite is used to train, not to tag. At load the weights are read out of the model; each
distinct word's weights (its own attributes and those it lends its ±2 window) are summed once from its
feature values, without building attribute strings; sentences are scored with array operations and
decoded by a batched numpy Viterbi. The tags equal crfsuite's own tagger's (`tests/enrich/test_ner.py`;
also checked on 38,221 sentences when the tagger was rewritten).

What was tried. Earlier rows: test split, one training run each, no separate dev tuning. Rows marked *lab*:
chosen on a dev part of the train split (its last 10 %, 397 sentences), then retrained on the whole train
split and scored once on test, in a separate harness (not in this repository; its runs are listed in the
closing note of issue 4).

| configuration | dev F1 | micro F1 (test) |
|---|---:|---:|
| earlier baseline here: shape/affix/window/gazetteer CRF | | 66.3 |
| + clitic-split stem, folded words, khabar places, SaudiNewsNet clusters, ANERcorp + AQMAR | | 68.9 |
| same, ANERcorp only (c1 0.05, c2 0.02) | | 69.7 |
| ANERcorp only, weaker regularisation (c1 0.02, c2 0.005) | | 69.4 |
| ANERGazet dropped; khabar places + agency/outlet phrases instead (the model committed until 2026-11-30) | | 70.2 |
| the same model after later changes to the place and agency tables (features at tagging ≠ at training) | | 69.8 |
| **the same features retrained on the current tables (committed)** | 69.8 | **70.3** |
| *lab*: + 100-d SaudiNewsNet embedding as 100 real-valued attributes per word | 71.8 | 70.8 |
| *lab*: + name lists learned from SaudiNewsNet (trigger-word contexts, article/possessive ratios) | 71.0 | 70.3 |
| *lab*: 4-letter affixes; clusters 32/128/512/2048; AQMAR with MISC→O | 70.1–70.2; 67.8 | |
| *lab*: 200-d embeddings (clusters + 200 real-valued attributes, int8) + name lists | 73.2 | 71.1 |

The best lab model gains 0.8 on test (about one standard error on 2,223 entities) for a model folder of
17.7 MB instead of 3 MB (the embedding table); it was not adopted. What limits a linear CRF here: 82 % of the
test persons and 61 % of the organisations never occur in the training split, and recall on those unseen
entities is 57 % (PERS), 26 % (ORG) and 10 % (MISC) against 77–96 % on seen ones; per-word evidence from 2015
Saudi news (21 % of test person tokens are not in its vocabulary at all) does not replace a pretrained
encoder. The published 78–83 are BiLSTM and BERT models, which cannot be trained or shipped here under the
offline, CPU, ≥ 500 articles/s constraints.

Published on the same split, for reference:

{PUBLISHED}
"""
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(f"wrote {args.out}")
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
