"""Rebuild the exact input of an Article from the record alone, by undoing its edit log.

The log is checked as it is undone, so a damaged record (hand-edited, truncated, corrupted in
storage) is a RestoreError, never silently wrong text: every edit must fit the text where it
says it applies (``new`` at ``start``, ``end - start == len(old)``, the line in range), its
``old`` must be what its reason could have removed (whitespace for ``whitespace``, an invisible
character for ``invisible-char``, a copy of the kept paragraph for ``repeated-paragraph``, …),
and the text rebuilt must match the record's ``input_hash`` (records of schema 1.0 have none:
for them the checks above are all there is, and repeats — found by matching key — are verified up to
the matching key: a changed invisible character in a removed repeat goes unseen there).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from khabar.record import Article, Edit, text_hash
from khabar.text.display import (
    INVISIBLE,
    LONE_SURROGATE,
    LONE_SURROGATE_REASON,
    PERSIAN_LOOKALIKE,
    PERSIAN_MAP,
    PRESENTATION,
)
from khabar.text.keys import match_key


class RestoreError(ValueError):
    """The record's edit log does not fit its paragraphs (a hand-edited or truncated record)."""


def _words(text: str) -> list[str]:
    return match_key(text).split()


def _is_repeat(old: str, earlier: str) -> bool:
    """``old`` (a removed tail) is one or two copies of the end of ``earlier``, by matching key."""
    o, e = _words(old), _words(earlier)
    return any(n and len(o) % n == 0 and o == e[len(e) - n :] * (len(o) // n) for n in {len(o), len(o) // 2})


# What each reason's ``old``/``new`` must look like. Reasons not listed (mojibake, dateline, credit)
# are checked for position only.
_EDIT_CHECKS: dict[str, Callable[[Edit, str], bool]] = {
    "whitespace": lambda e, _: (e.old == "" or e.old.isspace()) and e.new in ("", " "),
    # the character classes are display's own, so a check accepts exactly what its pass repairs
    "invisible-char": lambda e, _: e.new == "" and INVISIBLE.fullmatch(e.old) is not None,
    "persian-letter": lambda e, _: (
        PERSIAN_LOOKALIKE.fullmatch(e.old) is not None and e.old.translate(PERSIAN_MAP) == e.new
    ),
    "presentation-form": lambda e, _: (
        PRESENTATION.fullmatch(e.old) is not None and unicodedata.normalize("NFKC", e.old) == e.new
    ),
    LONE_SURROGATE_REASON: lambda e, _: LONE_SURROGATE.fullmatch(e.old) is not None and e.new == "\ufffd",
    "repeated-body": lambda e, cur: e.new == "" and _is_repeat(e.old, cur[: e.start]),
}


def _check_drop(e: Edit, lines: list[str | None], title: str | None) -> bool:
    if e.reason == "empty-line":
        return e.old == ""
    if e.reason == "repeats-title":
        return title is not None and match_key(e.old) == match_key(title)
    if e.reason == "repeated-paragraph":
        kept = lines[e.kept_line] if e.kept_line is not None and 0 <= e.kept_line < len(lines) else None
        # the kept copy may since have lost a dateline from its start: its key then ends the old one's
        return kept is not None and match_key(e.old).endswith(match_key(kept))
    return True


def _undo(text: str, e: Edit) -> str:
    assert e.start is not None
    return text[: e.start] + e.old + text[e.start + len(e.new) :]


def _check_edit(e: Edit, cur: str | None, where: str) -> str:
    """``cur`` with ``e`` undone; RestoreError when ``e`` does not fit ``cur``."""
    if cur is None:
        raise RestoreError(f"{where}: edits a line that is not there")
    if not isinstance(e.old, str) or not isinstance(e.new, str):
        raise RestoreError(f"{where}: 'old' and 'new' must be text")
    if not isinstance(e.start, int) or not isinstance(e.end, int) or not 0 <= e.start <= e.end:
        raise RestoreError(f"{where}: bad offsets start={e.start!r} end={e.end!r}")
    if e.end - e.start != len(e.old):
        raise RestoreError(f"{where}: 'old' is {len(e.old)} characters but start:end spans {e.end - e.start}")
    if cur[e.start : e.start + len(e.new)] != e.new:
        raise RestoreError(f"{where}: 'new' is not in the text at {e.start}")
    check = _EDIT_CHECKS.get(e.reason)
    if check is not None and not check(e, cur):
        raise RestoreError(f"{where}: 'old' {e.old[:40]!r} is not what a {e.reason} edit removes")
    return _undo(cur, e)


def restore(article: Article) -> str:
    """The original body text, byte for byte, as it was given to ``khabar.refine``. RestoreError
    when the edit log does not verify against the paragraphs."""
    numbered = [(n, e) for n, e in enumerate(article.edits, start=1) if e.field == "body"]
    body = [e for _, e in numbered]
    dropped = {e.line for e in body if e.op == "drop"}
    n_lines = len(article.paragraphs) + len(dropped)
    survivors = [i for i in range(n_lines) if i not in dropped]
    if len(survivors) != len(article.paragraphs) or len(dropped) != sum(e.op == "drop" for e in body):
        raise RestoreError(f"record {article.id}: edit log does not match its paragraphs")
    lines: list[str | None] = [None] * n_lines
    for i, p in zip(survivors, article.paragraphs, strict=True):
        lines[i] = p
    for n, e in reversed(numbered):
        where = f"record {article.id}: edit {n} ({e.reason}, line {e.line})"
        if not isinstance(e.line, int) or not 0 <= e.line < n_lines:
            raise RestoreError(f"{where}: no such line")
        if e.op == "drop":
            if not isinstance(e.old, str) or lines[e.line] is not None:
                raise RestoreError(f"{where}: drop does not fit")
            if not _check_drop(e, lines, article.title):
                raise RestoreError(f"{where}: 'old' {e.old[:40]!r} is not what a {e.reason} drop removes")
            lines[e.line] = e.old
        elif e.op == "edit":
            lines[e.line] = _check_edit(e, lines[e.line], where)
        else:
            raise RestoreError(f"{where}: unknown op {e.op!r}")
    text = "\n".join(line or "" for line in lines)
    if article.input_hash is not None and text_hash(text) != article.input_hash:
        raise RestoreError(
            f"record {article.id}: the edits undone do not give back the input (input_hash differs)"
        )
    return text


def restore_title(article: Article) -> str | None:
    """The original title, as given. RestoreError when its edits do not verify."""
    title = article.title
    for e in reversed([e for e in article.edits if e.field == "title"]):
        where = f"record {article.id}: title edit ({e.reason})"
        if e.op != "edit":
            raise RestoreError(f"{where}: a title edit must be op 'edit'")
        title = _check_edit(e, title, where)
    return title
