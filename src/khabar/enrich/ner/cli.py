"""``khabar train-ner`` and ``khabar ner``: hooks that ``khabar.cli`` registers with ``add_ner_parsers``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def read_token_sentences(path: Path | str) -> list[list[str]]:
    """One token per line (first column; further columns ignored), a blank line between sentences."""
    sentences: list[list[str]] = []
    current: list[str] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if not fields:
            if current:
                sentences.append(current)
                current = []
            continue
        current.append(fields[0])
    if current:
        sentences.append(current)
    return sentences


def cmd_train_ner(args: argparse.Namespace) -> int:
    from khabar.enrich.ner.model import default_model_dir
    from khabar.enrich.ner.train import train

    if args.clusters_from is None:
        try:
            import scipy  # noqa: F401 - only checking it is there
        except ImportError:
            print(
                "khabar train-ner: building word clusters needs scipy: pip install 'khabar[train]'",
                file=sys.stderr,
            )
            return 2

    out = Path(args.output) if args.output else default_model_dir()
    timings = train(
        out,
        args.shared,
        clusters_from=args.clusters_from,
        use_aqmar=args.aqmar,
        verbose=False,
    )
    parts = ", ".join(f"{k} {v:.1f}" for k, v in timings.items())
    print(f"NER model written to {out} ({parts})", file=sys.stderr)
    return 0


def cmd_ner(args: argparse.Namespace) -> int:
    from khabar.enrich.ner.model import NerModel

    model = NerModel.load(args.model)
    sentences = read_token_sentences(args.conll)
    blocks = []
    for tokens, tags in zip(sentences, model.tag_sentences(sentences), strict=True):
        blocks.append("".join(f"{tok}\t{tag}\n" for tok, tag in zip(tokens, tags, strict=True)))
    text = "\n".join(blocks)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def add_ner_parsers(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``train-ner`` and ``ner`` on the ``khabar`` command's subparsers."""
    t = subparsers.add_parser(
        "train-ner",
        help="train the NER tagger (ANERcorp CAMeL train split, SaudiNewsNet clusters)",
        description="Train the CRF NER tagger from the shared data folder and write the model folder.",
    )
    t.add_argument("--shared", metavar="DIR", help="shared folder holding data/ (default $KHABAR_SHARED)")
    t.add_argument("-o", "--output", metavar="MODEL", help="model folder (default: the packaged model)")
    t.add_argument(
        "--clusters-from", metavar="DIR", help="reuse clusters.tsv.gz from this folder instead of rebuilding"
    )
    t.add_argument("--aqmar", action="store_true", help="add AQMAR (Wikipedia) to the training data")
    t.set_defaults(func=cmd_train_ner)

    n = subparsers.add_parser(
        "ner",
        help="tag tokens with PERS/LOC/ORG/MISC (BIO)",
        description="Read one token per line, blank line between sentences; write token<TAB>tag.",
    )
    n.add_argument("--conll", metavar="FILE", required=True, help="input: one token per line")
    n.add_argument("-o", "--output", metavar="OUT", help="output file (default stdout)")
    n.add_argument("--model", metavar="MODEL", help="model folder (default: the packaged model)")
    n.set_defaults(func=cmd_ner)
