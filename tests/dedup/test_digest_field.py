"""A digest is reported in the records themselves (issue 14): ``digest`` on the article that holds
pieces of unrelated articles, null elsewhere, in ``dedup_articles``, the CLI's JSON Lines and the report."""

from __future__ import annotations

import json
import random
from pathlib import Path

import khabar
from khabar.cli import main
from khabar.dedup import dedup_articles

_LETTERS = "بتثجحخدذرزسشصضطظعغفقكلمنهو"


def _article(seed: int) -> str:
    """Three sentences of made-up words: different seeds share no 5-gram."""
    rng = random.Random(seed)
    return "\n".join(" ".join("".join(rng.choices(_LETTERS, k=5)) for _ in range(10)) + "." for _ in range(3))


PIECES = [_article(k) for k in range(5)]
ROUNDUP = "\n".join(PIECES)


def test_the_digest_says_how_many_unrelated_pieces_it_holds() -> None:
    articles = [khabar.refine(t, stages=(), published=f"2025-01-0{k + 1}") for k, t in enumerate(PIECES)]
    roundup = khabar.refine(ROUNDUP, stages=(), published="2025-01-09")
    out = dedup_articles([*articles, roundup])
    assert [a.digest for a in out] == [None] * 5 + [5]
    assert [a.story for a in out] == [a.id for a in out]  # nothing merged
    assert all(a.duplicate is None for a in out)


def test_the_digest_field_in_dedup_output_and_report(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for k, text in enumerate([*PIECES, ROUNDUP]):
            f.write(json.dumps({"id": f"a{k}", "text": text, "published": f"2025-01-0{k + 1}"}) + "\n")
    out, report = tmp_path / "out.jsonl", tmp_path / "report.json"
    rc = main(["dedup", str(src), "-o", str(out), "--report", str(report), "-q", "--no-entities",
               "--no-dates", "--no-numbers", "--no-quotes"])  # fmt: skip
    assert rc == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["digest"], r["story"]) for r in records] == [
        *[(f"a{k}", None, f"a{k}") for k in range(5)],
        ("a5", 5, "a5"),
    ]
    assert json.loads(report.read_text(encoding="utf-8"))["digests"] == 1
