"""NER corpora: ANERcorp with the standard CAMeL Lab train/test split, and AQMAR as extra training data.

A sentence is a list of ``(token, tag)`` pairs with BIO tags over PERS, LOC, ORG and MISC.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

Sentence = list[tuple[str, str]]

TYPES = ("PERS", "LOC", "ORG", "MISC")
REPO = Path(__file__).resolve().parents[4]


def default_shared_dir() -> Path:
    """``$KHABAR_SHARED``, else ``<repo>/../shared`` (the folder holding ``data/``)."""
    env = os.environ.get("KHABAR_SHARED")
    return Path(env) if env else REPO.parent / "shared"


def anercorp_path(shared_dir: Path | str | None = None) -> Path:
    return Path(shared_dir or default_shared_dir()) / "data" / "anercorp" / "ANERCorp.txt"


def _is_period_run(token: str) -> bool:
    return bool(token) and set(token) == {"."}


def read_anercorp(path: Path | str) -> list[Sentence]:
    """ANERCorp.txt as sentences, following the CAMeL recipe: remove U+200F, map ``·``/``•`` to ``.``,
    drop tokens left empty, end a sentence after a run of period-only tokens."""
    pairs: list[tuple[str, str]] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        token, _, tag = line.rpartition(" ")
        token = token.replace("\u200f", "").replace("·", ".").replace("•", ".").strip()
        if not token:
            continue
        pairs.append((token, tag.strip()))
    sentences: list[Sentence] = []
    current: Sentence = []
    for i, (token, tag) in enumerate(pairs):
        current.append((token, tag))
        # the sentence ends at the last period of a run, so "..." followed by "." stays together
        nxt = pairs[i + 1][0] if i + 1 < len(pairs) else ""
        if _is_period_run(token) and not _is_period_run(nxt):
            sentences.append(current)
            current = []
    if current:
        sentences.append(current)
    return sentences


def camel_split(sentences: list[Sentence]) -> tuple[list[Sentence], list[Sentence]]:
    """First 5/6 of the words (whole sentences) for training, the rest for test."""
    total = sum(len(s) for s in sentences)
    limit = total * 5 / 6
    seen = 0
    for i, sentence in enumerate(sentences):
        if seen + len(sentence) > limit:
            return sentences[:i], sentences[i:]
        seen += len(sentence)
    return sentences, []


def load_anercorp_split(shared_dir: Path | str | None = None) -> tuple[list[Sentence], list[Sentence]]:
    """``(train, test)`` sentences of the CAMeL split of ANERcorp."""
    return camel_split(read_anercorp(anercorp_path(shared_dir)))


_AQMAR_TAG = re.compile(r"^([BI])-+([A-Z]+)")
_AQMAR_TYPES = {"PER": "PERS", "PERS": "PERS", "LOC": "LOC", "ORG": "ORG"}


def normalise_aqmar_tag(tag: str) -> str:
    """AQMAR tags onto ANERcorp's: PER → PERS, MIS0–MIS3 (and typos such as ``B-MISS1``) → MISC,
    ``I--ORG`` → ``I-ORG``; anything unrecognised (``B-ENGLISH``, ``OO``) → ``O``."""
    m = _AQMAR_TAG.match(tag.strip())
    if not m:
        return "O"
    prefix, kind = m.groups()
    if kind.startswith("MIS"):
        return f"{prefix}-MISC"
    mapped = _AQMAR_TYPES.get(kind)
    return f"{prefix}-{mapped}" if mapped else "O"


def read_conll(path: Path | str, *, normalise: bool = False) -> list[Sentence]:
    """``token TAG`` lines, blank line between sentences."""
    sentences: list[Sentence] = []
    current: Sentence = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts:
            if current:
                sentences.append(current)
                current = []
            continue
        token, tag = (parts[0], parts[-1]) if len(parts) > 1 else (parts[0], "O")
        token = token.replace("\u200f", "")
        if not token:
            continue
        current.append((token, normalise_aqmar_tag(tag) if normalise else tag))
    if current:
        sentences.append(current)
    return sentences


def load_aqmar(shared_dir: Path | str | None = None) -> list[Sentence]:
    """All AQMAR articles (Wikipedia), tags mapped onto ANERcorp's; training only."""
    folder = Path(shared_dir or default_shared_dir()) / "data" / "aqmar"
    return [s for f in sorted(folder.glob("*.txt")) for s in read_conll(f, normalise=True)]
