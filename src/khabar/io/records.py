"""Reading khabar's own records back: JSON Lines (optionally compressed, ``-`` for stdin) or
Parquet written by khabar. Used by ``restore``, ``show`` and ``dedup`` alike."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from itertools import islice
from typing import Any

from khabar.io.base import ReadError, open_binary
from khabar.record import Article, from_arrow


class RecordsFileError(ValueError):
    """A line of a records file that is not a khabar record."""


def _text_lines(path: str) -> io.TextIOWrapper:
    raw = sys.stdin.buffer if path == "-" else open_binary(path)
    return io.TextIOWrapper(raw, encoding="utf-8-sig")


def is_records_file(path: str) -> bool:
    """A khabar records file: Parquet in khabar's schema, or JSON Lines whose first record has
    ``paragraphs`` and ``schema``. Unreadable means no: the raw readers will then report it."""
    if path == "-":
        return False  # stdin cannot be peeked at and read again
    try:
        if path.lower().endswith(".parquet"):
            import pyarrow.parquet as pq

            return b"khabar.schema" in (pq.read_schema(path).metadata or {})
        with _text_lines(path) as f:
            for line in islice(f, 5):
                if line.strip():
                    d = json.loads(line)
                    return isinstance(d, dict) and "paragraphs" in d and "schema" in d
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
