"""The per-article refine pipeline: raw text and metadata in, a clean logged Article out.

``refine`` is a pure function of its inputs. It works on the input's lines (split on ``\\n``)
and logs every change as an ``Edit`` against source line numbers, in the order made, so that
``khabar.restore`` can undo the log and give back the input byte for byte.

Order of work, and why:
1. display repair of every line (mojibake, presentation forms, invisibles, Persian letters,
   whitespace) — later steps compare clean text;
2. a body pasted twice inside one line is cut — so the line can then match other lines;
3. empty lines are dropped;
4. the dateline is lifted from the first line and a closing credit from the last — before
   repeat removal, but the first line's full key is remembered so a repeat of it with its
   dateline is still caught;
5. the title repeated as the first paragraph is dropped;
6. paragraphs repeating an earlier one are dropped, the first occurrence kept.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, ClassVar

from khabar.enrich.stage import STAGES, enrich
from khabar.record import Article, Dateline, Edit, text_hash
from khabar.refining.dateline import DatelineMatch, find_credit, find_dateline, find_field_dateline
from khabar.refining.repeats import find_doubled_body, is_verse, repeated_paragraphs
from khabar.refining.repetition_stats import paragraph_keys, repetition_stats_from_keys
from khabar.text.display import escape_surrogates, path_text, repair_line
from khabar.text.keys import match_key, match_keys

_PUBLISHED_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d", "%d/%m/%Y %H:%M", "%Y/%m/%d %H:%M:%S")


def normalise_published(value: str | None) -> str | None:
    """ISO 8601 for the date forms seen in news feeds, ``None`` when it cannot be read."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        pass
    for fmt in _PUBLISHED_FORMATS:
        try:
            return datetime.strptime(value, fmt).isoformat()
        except ValueError:
            continue
    return None


def derive_id(text: str, source: str | None, url: str | None) -> str:
    """A stable id: from source and URL when there is a URL, else from the input text."""
    basis = f"{source or ''}\n{url}" if url else text
    # surrogatepass: a lone surrogate (repaired in the text) must not stop the id; valid text hashes as UTF-8
    return hashlib.blake2b(basis.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


class _Log:
    """The working lines and the edit log that records every change made to them."""

    def __init__(self, text: str) -> None:
        self.lines: list[str | None] = list(text.split("\n"))
        self.edits: list[Edit] = []

    def edit(self, line: int, start: int, end: int, new: str, reason: str, **kw: Any) -> None:
        cur = self.lines[line]
        assert cur is not None
        self.edits.append(Edit("edit", reason, line, cur[start:end], new, start, end, **kw))
        self.lines[line] = cur[:start] + new + cur[end:]

    def drop(self, line: int, reason: str, kept_line: int | None = None) -> None:
        cur = self.lines[line]
        assert cur is not None
        self.edits.append(Edit("drop", reason, line, cur, kept_line=kept_line))
        self.lines[line] = None

    def alive(self) -> list[int]:
        return [i for i, s in enumerate(self.lines) if s is not None]


def _lift_dateline(log: _Log, alive: list[int]) -> tuple[DatelineMatch | None, DatelineMatch | None]:
    first = last = None
    if alive:
        i = alive[0]
        first = find_dateline(log.lines[i] or "")
        if first:
            if (log.lines[i] or "")[first.end :].strip():
                log.edit(i, first.start, first.end, "", "dateline")
            else:
                log.drop(i, "dateline")
    alive = log.alive()
    if alive:
        j = alive[-1]
        last = find_credit(log.lines[j] or "")
        if last:
            if (log.lines[j] or "")[: last.start].strip():
                log.edit(j, last.start, last.end, "", "credit")
            else:
                log.drop(j, "credit")
    return first, last


def _author_dateline(meta: Mapping[str, str] | None) -> Dateline | None:
    """When the body has none: a dateline kept in the input's ``author`` field (SaudiNewsNet keeps
    most outlets' datelines there)."""
    m = find_field_dateline((meta or {}).get("author") or "")
    return _dateline_record(replace(m, position="author"), None) if m else None


def _dateline_record(first: DatelineMatch | None, last: DatelineMatch | None) -> Dateline | None:
    found = first or last
    if found is None:
        return None
    d = Dateline(
        raw=found.raw,
        place=found.place,
        place_en=found.place_en,
        country=found.country,
        agency=found.agency,
        agency_en=found.agency_en,
        agency_kind=found.agency_kind,
        date=found.date,
        byline=found.byline,
        position=found.position,
    )
    # A dateline with only a place, closed by an agency credit: one filing, two halves.
    if first and last and not first.agency and last.agency:
        d = replace(d, agency=last.agency, agency_en=last.agency_en, agency_kind=last.agency_kind)
    return d


def _word_count(key: str) -> int:
    """``len(key.split())`` for a matching key, whose words are single-spaced with no space at
    either end, without building the list."""
    return key.count(" ") + 1 if key else 0


def refine(
    text: str,
    *,
    id: str | None = None,
    title: str | None = None,
    url: str | None = None,
    source: str | None = None,
    published: str | None = None,
    meta: Mapping[str, str] | None = None,
    stages: Iterable[str] = STAGES,
    published_default: str | None = None,
) -> Article:
    """Repair, parse and log one article, then enrich it. ``text`` is the raw body; the rest is
    its metadata. ``stages``: the enrichment layers to add (default all of
    ``khabar.enrich.stage.STAGES``; ``()`` for repair and dateline only). ``published_default``:
    the date relative dates resolve against when ``published`` is missing."""
    log = _Log(text)
    clean_title, title_edits = _repair_title(title)
    # 1. display repair, then every line keyed once, and the title with them (one vectorised pass
    # over the article)
    for i, line in enumerate(log.lines):
        assert line is not None
        for c in repair_line(line)[1]:
            log.edit(i, c.start, c.end, c.new, c.reason)
    keys = match_keys([*(line or "" for line in log.lines), clean_title or ""])
    title_key = keys.pop()
    keys_before = list(keys)
    # 2. a body pasted twice inside one line
    for i, line in enumerate(log.lines):
        end = find_doubled_body(line or "", keys[i])
        if end is not None:
            log.edit(i, end, len(line or ""), "", "repeated-body", kept_line=i)
            keys[i] = match_key(log.lines[i] or "")
    # 3. empty lines
    for i, line in enumerate(log.lines):
        if line == "":
            log.drop(i, "empty-line")
    # 4. dateline and credit; the first line's full key stays registered for repeat matching
    alive = log.alive()
    first_key = {keys[alive[0]]: alive[0]} if alive else {}
    first, last = _lift_dateline(log, alive)
    if first or last:  # a line only needs keying again when a dateline or credit was cut from it
        for i in {alive[0], alive[-1]}:
            if log.lines[i] is not None:
                keys[i] = match_key(log.lines[i] or "")
    # 5. the title repeated as the first paragraph
    alive = log.alive()
    if (
        clean_title
        and alive
        and keys[alive[0]] == title_key
        and not is_verse([_word_count(keys[i]) for i in alive])
    ):
        log.drop(alive[0], "repeats-title")
        alive = alive[1:]
    # 6. repeated paragraphs, the first occurrence kept. Removing a block can make two other
    # copies neighbours (A B A A B B → A B A B), so repeat until nothing more goes: the output
    # is then a fixed point and refining it again changes nothing.
    while True:
        alive_keys = [keys[i] for i in alive]
        counts = [_word_count(k) for k in alive_keys]
        seed = {k: alive.index(i) for k, i in first_key.items() if i in alive}
        found = repeated_paragraphs(alive_keys, counts, first=seed)
        if not found:
            break
        for pos, kept_pos in sorted(found.items()):
            log.drop(alive[pos], "repeated-paragraph", kept_line=alive[kept_pos])
        alive = log.alive()

    out_lines = log.alive()
    out_index = {line: k for k, line in enumerate(out_lines)}
    edits = [replace(e, kept=out_index.get(e.kept_line)) if e.kept_line is not None else e for e in log.edits]
    paragraphs = [log.lines[i] or "" for i in out_lines]
    out_keys = [keys[i] for i in out_lines]
    article = Article(
        # fields kept as given hold a lone surrogate as its escape text: records are valid UTF-8
        id=escape_surrogates(id) if id else derive_id(text, source, url),
        paragraphs=paragraphs,
        source=escape_surrogates(source) if source else source,
        url=escape_surrogates(url) if url else url,
        title=clean_title,
        published=normalise_published(published),
        dateline=_dateline_record(first, last) or _author_dateline(meta),
        edits=title_edits + edits,
        input_hash=text_hash(text),
        stats=_stats(keys_before, out_keys),
        meta=_meta(meta, published),
    )
    stages = tuple(stages)
    return enrich(article, stages, published_default) if stages else article


def _stats(keys_before: list[str], keys_after: list[str]) -> dict[str, dict[str, float]]:
    """Repetition stats of the input and of the output; each output paragraph is a paragraph
    (they are joined by single newlines). When repair removed no words, the n-gram figures of
    the input hold for the output too and are not computed twice."""
    before = repetition_stats_from_keys(keys_before, paragraph_keys(keys_before))
    same = [k for k in keys_before if k] == keys_after
    return {
        "before": before,
        "after": repetition_stats_from_keys(keys_after, keys_after, before if same else None),
    }


def _repair_title(title: str | None) -> tuple[str | None, list[Edit]]:
    """Display-repair the title (a newline inside it becomes a space), logging as for the body."""
    if title is None:
        return None, []
    new, changes = repair_line(title)
    edits, cur = [], title
    for c in changes:
        edits.append(Edit("edit", c.reason, 0, cur[c.start : c.end], c.new, c.start, c.end, field="title"))
        cur = cur[: c.start] + c.new + cur[c.end :]
    return new, edits


def _meta(meta: Mapping[str, str] | None, published: str | None) -> dict[str, str]:
    out = {escape_surrogates(str(k)): escape_surrogates(str(v)) for k, v in (meta or {}).items()}
    if published and normalise_published(published) is None:
        out["published_raw"] = escape_surrogates(published)
    return out


# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Input:
    text: str
    fields: dict[str, Any]


_REFINE_FIELDS = frozenset({"id", "title", "url", "source", "published", "meta"})


def _meta_text(value: Any) -> str | None:
    """An extra input value as ``meta`` text: strings as they are, others as JSON (``true``, ``3``)."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _as_input(item: str | Mapping[str, Any] | Any) -> _Input:
    if isinstance(item, str):
        return _Input(item, {})
    if isinstance(item, Mapping):
        d = dict(item)
        text = d.pop("text", None)
        if text is None:
            text = d.pop("content", "")
        # keys refine does not take go to ``meta``, as the CLI's readers keep extra input fields
        extra = {str(k): _meta_text(d.pop(k)) for k in list(d) if k not in _REFINE_FIELDS}
        extra = {k: v for k, v in extra.items() if v is not None}
        if extra:
            d["meta"] = {**extra, **(d.get("meta") or {})}
        return _Input(text, d)
    # A khabar.io RawRecord (duck-typed so this module needs no reader import).
    meta = dict(getattr(item, "extra", None) or {})
    meta["origin"] = f"{path_text(item.origin_file)}:{item.origin_record}"
    if getattr(item, "encoding", None):
        meta["encoding"] = item.encoding
    return _Input(
        item.text,
        {
            "id": item.id,
            "title": item.title,
            "url": item.url,
            "source": item.source,
            "published": item.published,
            "meta": meta,
        },
    )


@dataclass(frozen=True, slots=True)
class RepairStage:
    """The first stage of every run: raw inputs (texts, dicts, reader records) to repaired, logged
    articles with their dateline (``refine`` with no enrichment). The dateline is lifted between the
    repair steps (see the module's docstring), so the ``dateline`` stage runs inside this one."""

    name: ClassVar[str] = "repair"
    about: ClassVar[str] = "display repair, repeated paragraphs and bodies removed, every edit logged"
    needs: ClassVar[tuple[str, ...]] = ("text",)
    provides: ClassVar[tuple[str, ...]] = ("paragraphs", "edits", "stats", "dateline")

    def __call__(self, items: list[Any]) -> list[Article]:
        out = []
        for item in items:
            inp = _as_input(item)
            out.append(refine(inp.text, **inp.fields, stages=()))
        return out
