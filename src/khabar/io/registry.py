"""Which reader reads what: file extension -> reader class, and :func:`reader_for` to build one.

A file's format is its extension after compression suffixes (``a.jsonl.gz`` -> JSON Lines); a file with an
unknown or no extension is sniffed (:class:`SniffReader`). Zip archives hold files of any format, so the
:class:`~khabar.io.zipfile.ZipReader` built here is handed :func:`reader_for` to read its members: the
registry lists the zip reader, and the zip reader never imports the registry (no import cycle).
"""

from __future__ import annotations

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
)
from khabar.io.csv import CsvReader
from khabar.io.encoding import bom_encoding, detect_utf16
from khabar.io.jsonl import JsonLinesReader, JsonReader
from khabar.io.parquet import ParquetReader
from khabar.io.txt import TxtReader
from khabar.io.zipfile import ZipReader

__all__ = ["FORMATS", "READERS", "SniffReader", "first_char", "reader_for"]

# Each reader class declares the extensions it reads; this is the one list of reader classes.
READERS: dict[str, type[Reader]] = {
    extension: reader
    for reader in (TxtReader, JsonLinesReader, JsonReader, CsvReader, ParquetReader, ZipReader)
    for extension in reader.extensions
}

# What --input-format accepts: "auto" decides by extension (files) or by content (stdin).
FORMATS = ("auto", "txt", "jsonl", "json", "csv", "tsv", "parquet", "zip")


def first_char(head: bytes) -> str:
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
        if first_char(head) in ("{", "["):
            yield from JsonReader(self.field_map, self.max_chars).read_stream(buffered, origin)
        else:
            yield from TxtReader(self.field_map, self.max_chars).read_stream(buffered, origin)


def reader_for(
    name: str, field_map: FieldMap | None = None, max_chars: int = DEFAULT_MAX_CHARS, fmt: str = "auto"
) -> Reader:
    """The reader for a file name, by extension after compression suffixes (SniffReader if unknown), or
    for the format ``fmt`` when it is not ``auto``."""
    suffix = format_suffix(name) if fmt == "auto" else "." + fmt
    if suffix == ".tsv":
        return CsvReader(field_map, max_chars, delimiter="\t")
    reader = READERS.get(suffix, SniffReader)
    if issubclass(reader, ZipReader):
        return reader(field_map, max_chars, member_reader=reader_for)
    return reader(field_map, max_chars)
