"""Rebuild the exact input of an Article from the record alone, by undoing its edit log."""

from __future__ import annotations

from khabar.record import Article, Edit


class RestoreError(ValueError):
    """The record's edit log does not fit its paragraphs (a hand-edited or truncated record)."""


def _undo(text: str, e: Edit) -> str:
    assert e.start is not None
    return text[: e.start] + e.old + text[e.start + len(e.new) :]


def restore(article: Article) -> str:
    """The original body text, byte for byte, as it was given to ``khabar.refine``."""
    body = [e for e in article.edits if e.field == "body"]
    dropped = {e.line for e in body if e.op == "drop"}
    n_lines = len(article.paragraphs) + len(dropped)
    survivors = [i for i in range(n_lines) if i not in dropped]
    if len(survivors) != len(article.paragraphs) or len(dropped) != sum(e.op == "drop" for e in body):
        raise RestoreError(f"record {article.id}: edit log does not match its paragraphs")
    lines: list[str | None] = [None] * n_lines
    for i, p in zip(survivors, article.paragraphs, strict=True):
        lines[i] = p
    for e in reversed(body):
        if e.op == "drop":
            lines[e.line] = e.old
        else:
            cur = lines[e.line]
            if cur is None or e.start is None or cur[e.start : e.start + len(e.new)] != e.new:
                raise RestoreError(f"record {article.id}: edit on line {e.line} does not match the text")
            lines[e.line] = _undo(cur, e)
    return "\n".join(line or "" for line in lines)


def restore_title(article: Article) -> str | None:
    """The original title, as given."""
    title = article.title
    for e in reversed([e for e in article.edits if e.field == "title"]):
        assert title is not None
        title = _undo(title, e)
    return title
