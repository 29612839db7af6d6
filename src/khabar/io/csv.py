"""CSV/TSV reader: a header row, then one article per row (streamed; never loads the whole file)."""

from __future__ import annotations

import codecs
import csv
import io
import sys
from collections.abc import Iterator
from typing import BinaryIO

from khabar.io.base import DEFAULT_MAX_CHARS, FieldMap, RawRecord, Reader, ReadError, excerpt, sniff_stream
from khabar.io.encoding import DecodeError, bom_encoding, decode_bytes, detect_utf16

__all__ = ["CsvReader"]


def _raise_field_limit() -> None:
    # Article bodies are far larger than csv's 128 KiB default field limit; the per-record check
    # against max_chars happens after parsing. The limit is process-global, so only ever raise it.
    limit = sys.maxsize
    while True:
        try:
            if csv.field_size_limit() < limit:
                csv.field_size_limit(limit)
            return
        except OverflowError:  # C long is 32-bit on some platforms
            limit //= 2


def _stream_encoding(head: bytes) -> tuple[str, str, str]:
    """(codec, error handler, reported name) for a CSV stream, decided from its first bytes."""
    found = bom_encoding(head)
    if found is not None:
        return found[0], "strict", found[0]
    if b"\x00" not in head:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
            return "utf-8", "strict", "utf-8"
        except UnicodeDecodeError:
            pass
    wide = detect_utf16(head)
    if wide is not None:
        return wide, "strict", wide
    _, name = decode_bytes(head)  # may raise DecodeError: binary data
    if name == "utf-8+replace":
        return "utf-8", "replace", name
    return name, "strict", name


class CsvReader(Reader):
    """``.csv`` (comma) and ``.tsv`` (tab): ``origin_record`` is the data row number (header excluded).

    Rows whose field count differs from the header's are errors (usually broken quoting), not guesses.

    The encoding is decided from the first 64 KiB (UTF-8 fast path; otherwise :func:`decode_bytes`);
    a decoding failure further on ends the file with a ReadError, keeping the rows already read.
    """

    name = "csv"
    extensions = (".csv", ".tsv")

    def __init__(
        self, field_map: FieldMap | None = None, max_chars: int = DEFAULT_MAX_CHARS, delimiter: str = ","
    ) -> None:
        super().__init__(field_map, max_chars)
        self.delimiter = delimiter
        _raise_field_limit()

    def read_stream(self, stream: BinaryIO, origin: str) -> Iterator[RawRecord | ReadError]:
        delimiter = self.delimiter
        head, buffered = sniff_stream(stream)
        if not head:
            yield ReadError(origin, None, "empty file")
            return
        try:
            codec, errors, reported = _stream_encoding(head)
        except DecodeError as exc:
            yield ReadError(origin, None, str(exc), excerpt(head[:8000]))
            return
        text = io.TextIOWrapper(buffered, encoding=codec, errors=errors, newline="")
        reader = csv.reader(text, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            yield ReadError(origin, None, "empty file")
            return
        except csv.Error as exc:
            yield ReadError(origin, None, f"broken CSV header: {exc}", excerpt(head[:2000]))
            return
        header = [name.lstrip("\ufeff").strip() for name in header]
        row_no = 0
        while True:
            line_before = reader.line_num
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                row_no += 1
                yield ReadError(origin, row_no, f"broken CSV at line {reader.line_num}: {exc}")
                if reader.line_num == line_before:
                    return  # no progress possible: stop rather than loop
                continue
            if not row:
                continue  # blank line
            row_no += 1
            if len(row) != len(header):
                yield ReadError(
                    origin,
                    row_no,
                    f"row has {len(row)} fields, header has {len(header)} (line {reader.line_num})",
                    excerpt(delimiter.join(row)),
                )
                continue
            yield self.make_record(
                dict(zip(header, row, strict=True)), origin, row_no, reported, lambda r=row: delimiter.join(r)
            )
