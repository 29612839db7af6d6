"""Labelled dev sets whose text lives in the shared SaudiNewsNet corpus, rebuilt at run time.

Project rule: corpus text is never copied into the repo. ``benchmarks/data/quotes_dev.jsonl`` and the
corpus items of ``benchmarks/data/dates_labelled.jsonl`` therefore hold *references*, not text (so does the
held-out ``benchmarks/data/quotes_test.jsonl``, read by :func:`load_quotes_test`):

* ``zip`` and ``url``: the SaudiNewsNet file (``$KHABAR_SHARED/data/saudinewsnet/<zip>``, one JSON
  array of articles) and the article in it (urls are unique across the corpus);
* ``span``: ``[start, end]`` character offsets into the article's ``content``; the labelled text is
  ``clean(content[start:end])`` (see :func:`clean`, fixed here so that it never drifts with khabar);
* ``sha1``: the first 12 hex digits of the SHA-1 of that text (UTF-8), checked on every load;
* labels as character offsets into that text (quotes: ``start``/``end``, ``speaker_start``/
  ``speaker_end`` or null; dates: ``expr_start``/``expr_end``).

Every item says where its text comes from in ``origin``: ``"saudinewsnet"`` (a reference) or
``"khabar"`` (text written for khabar, stored as is). Lines holding ``_meta`` are headers.

The shared folder is ``$KHABAR_SHARED``, else ``<repo>/../shared``. Where the corpus is absent,
:func:`load_quotes` raises :class:`CorpusUnavailable` (its message is the skip reason) and
:func:`load_dates` returns the khabar-written items only, with the reason. A hash mismatch raises
:class:`DevSetDrift` naming the item.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

from benchmarks._common import BENCH, shared_dir

DATA = BENCH / "data"
QUOTES = DATA / "quotes_dev.jsonl"
QUOTES_TEST = DATA / "quotes_test.jsonl"  # held out from tuning; batches A and B, see its _meta lines
DATES = DATA / "dates_labelled.jsonl"
CORPUS = "saudinewsnet"

# Arabic presentation forms (e.g. U+FEF7 ARABIC LIGATURE LAM WITH ALEF WITH HAMZA ABOVE) -> NFKC.
_PRESENTATION = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]+")


class CorpusUnavailable(RuntimeError):
    """The shared SaudiNewsNet corpus is not there; ``str(exc)`` is the skip reason."""


class DevSetDrift(ValueError):
    """A referenced text is missing from the corpus or no longer matches its hash."""


def corpus_dir(shared: Path | None = None) -> Path:
    return (shared or shared_dir()) / "data" / "saudinewsnet"


def missing_reason(shared: Path | None = None) -> str | None:
    """Why the corpus cannot be read (a skip message), or None when it is there."""
    d = corpus_dir(shared)
    if not d.is_dir():
        return f"SaudiNewsNet not found at {d} (set KHABAR_SHARED to the shared/ folder)"
    return None


def clean(raw: str) -> str:
    """The labelled text of a raw corpus span: presentation forms to NFKC, ZWNJ dropped, whitespace
    runs (NBSP included) to one space, ends stripped."""
    s = _PRESENTATION.sub(lambda m: unicodedata.normalize("NFKC", m.group()), raw)
    return " ".join(s.replace("\u200c", "").split())


def short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The items of a dev-set file, ``_meta`` headers left out."""
    rows = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                if "_meta" not in row:
                    rows.append(row)
    return rows


def _articles(refs: list[dict[str, Any]], shared: Path | None) -> dict[str, dict[str, Any]]:
    """The referenced articles by url, reading only the zips named by the references."""
    reason = missing_reason(shared)
    if reason:
        raise CorpusUnavailable(reason)
    folder = corpus_dir(shared)
    wanted: dict[str, set[str]] = {}
    for r in refs:
        wanted.setdefault(r["zip"], set()).add(r["url"])
    found: dict[str, dict[str, Any]] = {}
    for name, urls in sorted(wanted.items()):
        path = folder / name
        if not path.is_file():
            raise CorpusUnavailable(
                f"SaudiNewsNet file {path} not found (set KHABAR_SHARED to the shared/ folder)"
            )
        with zipfile.ZipFile(path) as z:
            for member in z.namelist():
                for article in json.loads(z.read(member)):
                    if article.get("url") in urls:
                        found[article["url"]] = article
    return found


def _resolve(
    item: dict[str, Any], where: str, articles: dict[str, dict[str, Any]]
) -> tuple[str, dict[str, Any]]:
    article = articles.get(item["url"])
    if article is None:
        raise DevSetDrift(f"{where}: article {item['url']} not found in {item['zip']}")
    start, end = item["span"]
    text = clean(article["content"][start:end])
    if short_hash(text) != item["sha1"]:
        raise DevSetDrift(
            f"{where}: text of {item['url']} [{start}:{end}] has hash {short_hash(text)}, "
            f"expected {item['sha1']}: {text[:80]!r}"
        )
    return text, article


def _check_origin(item: dict[str, Any], where: str, allowed: tuple[str, ...]) -> None:
    if item.get("origin") not in allowed:
        raise ValueError(f"{where}: origin {item.get('origin')!r} not in {allowed}")


def load_quotes(path: Path = QUOTES, shared: Path | None = None) -> list[dict[str, Any]]:
    """The quote dev set as ``{origin, source, url, paragraph, quotes: [{text, speaker, start, end,
    speaker_start, speaker_end}]}`` rows. Raises :class:`CorpusUnavailable` without the corpus."""
    items = read_jsonl(path)
    for k, item in enumerate(items, 1):
        _check_origin(item, f"{path.name} item {k}", (CORPUS,))
    articles = _articles(items, shared)
    rows = []
    for k, item in enumerate(items, 1):
        where = f"{path.name} item {k}"
        para, article = _resolve(item, where, articles)
        quotes = []
        for q in item["quotes"]:
            s, e, ss, se = q["start"], q["end"], q["speaker_start"], q["speaker_end"]
            quotes.append(
                {
                    "text": para[s:e],
                    "speaker": None if ss is None else para[ss:se],
                    "start": s,
                    "end": e,
                    "speaker_start": ss,
                    "speaker_end": se,
                }
            )
        rows.append(
            {
                "origin": CORPUS,
                "source": article["source"],
                "url": item["url"],
                "paragraph": para,
                "quotes": quotes,
            }
        )
    return rows


def load_quotes_test(
    shared: Path | None = None, batch: str | None = None, path: Path = QUOTES_TEST
) -> list[dict[str, Any]]:
    """The held-out quote test set (``quotes_test.jsonl``): rows as :func:`load_quotes`, each with its
    ``batch`` (``A``: labelled first, its baseline errors were read; ``B``: the blind check), all of them or
    those of one ``batch``. Raises :class:`CorpusUnavailable` without the corpus."""
    batches = [item.get("batch", "A") for item in read_jsonl(path)]
    rows = [{**row, "batch": b} for row, b in zip(load_quotes(path, shared), batches, strict=True)]
    return [r for r in rows if batch is None or r["batch"] == batch]


def load_dates(path: Path = DATES, shared: Path | None = None) -> tuple[list[dict[str, Any]], str | None]:
    """The date set as ``{origin, category, published, text, expr, expr_start, expr_end, value,
    granularity}`` items, in file order, and None; without the corpus, the khabar-written items only
    and the reason the others were left out."""
    items = read_jsonl(path)
    for k, item in enumerate(items, 1):
        _check_origin(item, f"{path.name} item {k}", (CORPUS, "khabar"))
    refs = [it for it in items if it["origin"] == CORPUS]
    reason = None
    articles: dict[str, dict[str, Any]] = {}
    try:
        articles = _articles(refs, shared) if refs else {}
    except CorpusUnavailable as exc:
        reason = f"{len(refs)} of {len(items)} items left out: {exc}"
    out = []
    for k, item in enumerate(items, 1):
        item = dict(item)
        if item["origin"] == CORPUS:
            if reason:
                continue
            text, _ = _resolve(item, f"{path.name} item {k}", articles)
            item["text"] = text
            item["expr"] = text[item["expr_start"] : item["expr_end"]]
            for key in ("zip", "url", "span", "sha1"):
                item.pop(key)
        else:
            item["expr_start"] = item["text"].index(item["expr"])
            item["expr_end"] = item["expr_start"] + len(item["expr"])
        out.append(item)
    return out, reason
