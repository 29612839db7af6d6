"""From user-given paths to a stream of records: files, directories, globs and ``-`` (stdin).

Which reader reads a file is decided by its extension after stripping compression suffixes
(``a.jsonl.gz`` -> JSON Lines). Files with an unknown or no extension are **sniffed**: if the first
non-blank character is ``{`` or ``[`` they are read as JSON (array, object or JSON Lines), otherwise as
one plain-text article.
"""

from __future__ import annotations

import glob
import io
import os
import sys
from collections.abc import Iterator
from typing import BinaryIO

from khabar.io.base import (
    DEFAULT_MAX_CHARS,
    FieldMap,
    RawRecord,
    Reader,
    ReadError,
    format_suffix,
    sniff_stream,
    wrap_decompress,
)
from khabar.io.csv import CsvReader
from khabar.io.encoding import bom_encoding, detect_utf16
from khabar.io.jsonl import JsonLinesReader, JsonReader
from khabar.io.parquet import ParquetReader
from khabar.io.txt import TxtReader
from khabar.io.zipfile import ZipReader

__all__ = ["READERS", "STDIN", "SniffReader", "StdinReader", "iter_files", "read_paths", "reader_for"]

STDIN = "-"
STDIN_ORIGIN = "<stdin>"

READERS: dict[str, type[Reader]] = {
    ".txt": TxtReader,
    ".jsonl": JsonLinesReader,
    ".ndjson": JsonLinesReader,
    ".json": JsonReader,
    ".csv": CsvReader,
    ".tsv": CsvReader,
    ".parquet": ParquetReader,
    ".zip": ZipReader,
}


def _first_char(head: bytes) -> str:
    """The first non-blank character of a stream's head, whatever its Unicode encoding ('' if none)."""
    found = bom_encoding(head)
    encoding = found[0] if found else (detect_utf16(head) if b"\x00" in head else None)
    text = head.decode(encoding or "latin-1", errors="ignore")
    stripped = text.lstrip(" \t\r\n\ufeff")
    return stripped[:1]


class SniffReader(Reader):
    """Files of unknown type: JSON if they start with ``{`` or ``[``, else one plain-text article."""

    name = "sniff"

    def read_stream(self, stream: BinaryIO, origin: str) -> Iterator[RawRecord | ReadError]:
        head, buffered = sniff_stream(stream)
        if _first_char(head) in ("{", "["):
            yield from JsonReader(self.field_map, self.max_chars).read_stream(buffered, origin)
        else:
            yield from TxtReader(self.field_map, self.max_chars).read_stream(buffered, origin)


class StdinReader(Reader):
    """``-``: JSON Lines (streamed) if the first non-blank character is ``{``, a JSON array if ``[``,
    else the whole input is one plain-text article."""

    name = "stdin"

    def read_stream(self, stream: BinaryIO, origin: str) -> Iterator[RawRecord | ReadError]:
        head, buffered = sniff_stream(stream)
        first = _first_char(head)
        if first == "{":
            yield from JsonLinesReader(self.field_map, self.max_chars).read_lines(buffered, origin, head)
        elif first == "[":
            yield from JsonReader(self.field_map, self.max_chars).read_stream(buffered, origin)
        else:
            yield from TxtReader(self.field_map, self.max_chars).read_stream(buffered, origin)


def reader_for(name: str, field_map: FieldMap | None = None, max_chars: int = DEFAULT_MAX_CHARS) -> Reader:
    """The reader for a file name, by extension after compression suffixes; SniffReader if unknown."""
    suffix = format_suffix(name)
    if suffix == ".tsv":
        return CsvReader(field_map, max_chars, delimiter="\t")
    return READERS.get(suffix, SniffReader)(field_map, max_chars)


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _walk(directory: str) -> list[str]:
    """Readable files under ``directory``, recursively, sorted by path components.

    Hidden files/directories are skipped, and so are files whose extension is not a known format:
    a data directory's README.md or LICENSE is not an article. (Such a file named explicitly, or
    matched by a glob, is still read, by sniffing.)
    """
    found: list[str] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if not _is_hidden(d)]
        found.extend(
            os.path.join(root, f) for f in files if not _is_hidden(f) and format_suffix(f) in READERS
        )
    # Sort by components, not the joined string, so 'a/b' and 'a-c' order the same on every OS.
    return sorted(found, key=lambda p: os.path.relpath(p, directory).split(os.sep))


def iter_files(paths: list[str]) -> Iterator[str | ReadError]:
    """Expand ``paths`` (files, directories, globs, ``-``) into file paths, in a deterministic order.

    Order: arguments as given; each directory's files sorted by path; each glob's matches sorted.
    Directories yield only files of known formats (see :func:`_walk`).
    A missing path or a glob matching nothing yields a ReadError in place.
    """
    for path in paths:
        if path == STDIN:
            yield STDIN
        elif os.path.isdir(path):
            yield from _walk(path)
        elif os.path.exists(path):
            yield path
        elif glob.has_magic(path):  # type: ignore[attr-defined]
            matches = sorted(glob.glob(path, recursive=True))
            if not matches:
                yield ReadError(path, None, "no files match this pattern")
            for match in matches:
                if os.path.isdir(match):
                    yield from _walk(match)
                else:
                    yield match
        else:
            yield ReadError(path, None, "no such file")


def _stdin_bytes() -> BinaryIO:
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is not None:
        return buffer
    # A text-only stdin (e.g. replaced by io.StringIO): its text is already decoded.
    return io.BytesIO(sys.stdin.read().encode("utf-8"))


def read_paths(
    paths: list[str], field_map: FieldMap | None = None, max_chars: int = DEFAULT_MAX_CHARS
) -> Iterator[RawRecord | ReadError]:
    """Read every record from ``paths``; bad input becomes ReadErrors, never exceptions.

    ``-`` reads stdin (sniffed: JSON Lines if it starts with ``{``, a JSON array if ``[``, else one
    text article); stdin may be compressed too.
    """
    for item in iter_files(paths):
        if isinstance(item, ReadError):
            yield item
        elif item == STDIN:
            reader = StdinReader(field_map, max_chars)
            try:
                stream = wrap_decompress(_stdin_bytes())
            except Exception as exc:
                yield ReadError(STDIN_ORIGIN, None, f"cannot read stdin: {exc}")
                continue
            # stdin is not closed: it belongs to the process.
            yield from Reader.guard(reader.read_stream(stream, STDIN_ORIGIN), STDIN_ORIGIN)
        else:
            yield from reader_for(item, field_map, max_chars).read(item)
