"""Reading khabar's own records back: JSON Lines (optionally compressed, ``-`` for stdin) or
Parquet written by khabar. Used by ``restore``, ``show`` and ``dedup`` alike."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any

from khabar.io.base import ReadError, open_binary, peek_stdin, stdin_binary
from khabar.record import Article, from_arrow


class RecordsFileError(ValueError):
    """A line of a records file that is not a khabar record."""


@contextmanager
def _text_lines(path: str) -> Iterator[io.TextIOWrapper]:
    if path != "-":
        with io.TextIOWrapper(open_binary(path), encoding="utf-8-sig") as f:
            yield f
        return
    f = io.TextIOWrapper(stdin_binary(), encoding="utf-8-sig")
    try:
        yield f
    finally:
        f.detach()  # stdin belongs to the process: never closed here


_STDIN_PEEK = 1 << 22
_RECORD_START = re.compile(rb'^\{"id":\s*"[^"]*",.*"paragraphs":\s*\[', re.DOTALL)


def _is_records_stdin() -> bool:
    """Stdin holds khabar records: its first line is a record (peeked at, left for the reader). A line
    longer than the peek is judged by its start, which khabar writes as ``{"id": …, "paragraphs": [``."""
    try:
        head = peek_stdin(_STDIN_PEEK)
    except (OSError, ValueError):
        return False
    if len(head) >= _STDIN_PEEK and not head.endswith(b"\n"):
        return bool(_RECORD_START.match(head))
    try:
        d = json.loads(head)
    except ValueError:
        return False
    return _is_record_head(d)


def _is_record_head(d: Any) -> bool:
    """A records file's first record: an object with ``paragraphs`` and ``schema``."""
    return isinstance(d, dict) and "paragraphs" in d and "schema" in d


def is_records_file(path: str) -> bool:
    """A khabar records file: Parquet in khabar's schema, or JSON Lines whose first record has
    ``paragraphs`` and ``schema``; ``-`` when stdin starts with such a record. Unreadable means no: the
    raw readers will then report it."""
    if path == "-":
        return _is_records_stdin()
    try:
        if path.lower().endswith(".parquet"):
            import pyarrow.parquet as pq

            return b"khabar.schema" in (pq.read_schema(path).metadata or {})
        with _text_lines(path) as f:
            for line in islice(f, 5):
                if line.strip():
                    return _is_record_head(json.loads(line))
    except Exception:
        return False
    return False


def parse_record_line(line: str | bytes) -> dict[str, Any]:
    """One JSON line as a record dict; ValueError (with the reason) when it is not a record."""
    d = json.loads(line)
    if not isinstance(d, dict) or "id" not in d or "paragraphs" not in d:
        raise ValueError("not a khabar record (needs id and paragraphs)")
    return d


def iter_record_dicts(path: str) -> Iterator[dict[str, Any] | ReadError]:
    """Record dicts, in file order; a line that is not a record is a ReadError and reading goes on."""
    if path.lower().endswith(".parquet"):
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches():
            for a in from_arrow(batch):
                yield a.to_dict()
        return
    with _text_lines(path) as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                yield parse_record_line(line)
            except ValueError as exc:
                yield ReadError(path, n, f"bad record: {exc}", line[:2000])


def read_articles(path: str) -> Iterator[Article]:
    """Articles from a records file; raises RecordsFileError (or SchemaError) at a bad record."""
    if path.lower().endswith(".parquet"):
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches():
            yield from from_arrow(batch)
        return
    for item in iter_record_dicts(path):
        if isinstance(item, ReadError):
            raise RecordsFileError(str(item))
        yield Article.from_dict(item)
