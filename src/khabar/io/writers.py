"""Writers: khabar records as JSON Lines (stdout by default) or Parquet, and the errors file.

Compression follows the output's extension (``.gz``, ``.bz2``, ``.xz``, ``.zst``) for JSON Lines.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import sys
from pathlib import Path
from typing import IO, Any, Protocol

import pyarrow.parquet as pq

from khabar.record import ARROW_SCHEMA, Article, to_arrow


class RecordWriter(Protocol):
    def write(self, article: Article) -> None: ...
    def close(self) -> None: ...


def open_text_out(path: str | Path) -> IO[str]:
    """A UTF-8 text stream to ``path`` (``-`` is stdout), compressed by its extension."""
    if str(path) == "-":
        return io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n", write_through=False)
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    suffix = p.suffix.lower()
    if suffix == ".gz":
        return gzip.open(p, "wt", encoding="utf-8", newline="\n")
    if suffix == ".bz2":
        return bz2.open(p, "wt", encoding="utf-8", newline="\n")
    if suffix == ".xz":
        return lzma.open(p, "wt", encoding="utf-8", newline="\n")
    if suffix == ".zst":
        import zstandard

        raw = zstandard.ZstdCompressor().stream_writer(open(p, "wb"))  # noqa: SIM115 - closed by wrapper
        return io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
    return open(p, "w", encoding="utf-8", newline="\n")


class JsonlWriter:
    """One JSON object per line."""

    def __init__(self, path: str | Path = "-") -> None:
        self._stdout = str(path) == "-"
        self._out = open_text_out(path)

    def write(self, article: Article) -> None:
        self._out.write(article.to_json())
        self._out.write("\n")

    def close(self) -> None:
        if self._stdout:
            self._out.flush()
            self._out.detach()  # leave sys.stdout open for the caller
        else:
            self._out.close()


class ParquetWriter:
    """Parquet in khabar's Arrow schema, written in row groups of ``batch_size`` records."""

    def __init__(self, path: str | Path, batch_size: int = 2048) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._writer = pq.ParquetWriter(str(path), ARROW_SCHEMA, compression="zstd")
        self._batch: list[Article] = []
        self._batch_size = batch_size

    def write(self, article: Article) -> None:
        self._batch.append(article)
        if len(self._batch) >= self._batch_size:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            self._writer.write_table(to_arrow(self._batch))
            self._batch = []

    def close(self) -> None:
        self._flush()
        self._writer.close()


def open_writer(path: str | Path | None) -> RecordWriter:
    """The writer for ``path`` by its extension: ``.parquet`` or JSON Lines (``None``/``-``: stdout)."""
    if path is not None and str(path).lower().endswith(".parquet"):
        return ParquetWriter(path)
    return JsonlWriter(path or "-")


class ErrorWriter:
    """The errors file: one JSON object per bad record with its file, record number, reason and
    raw content, so that nothing is lost. The file is created only when a first error comes."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.count = 0
        self._out: IO[str] | None = None

    def write(self, file: str, record: int | None, reason: str, raw: str | None = None) -> None:
        if self._out is None:
            self._out = open_text_out(self.path)
        entry: dict[str, Any] = {"file": file, "record": record, "reason": reason, "raw": raw}
        self._out.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.count += 1

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
