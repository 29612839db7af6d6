"""khabar.io: the input layer - paths in, :class:`RawRecord` or :class:`ReadError` out.

Bad input never raises out of a reader: it becomes a ``ReadError`` naming the file and record, and
reading goes on. Entry point: :func:`read_paths`.
"""

from khabar.io.base import DEFAULT_MAX_CHARS, FieldMap, RawRecord, Reader, ReadError, open_binary
from khabar.io.csv import CsvReader
from khabar.io.discover import StdinReader, iter_files, read_paths
from khabar.io.encoding import (
    BinaryDataError,
    DecodeError,
    EmptyInputError,
    UndetectableEncodingError,
    decode_bytes,
)
from khabar.io.jsonl import JsonLinesReader, JsonReader
from khabar.io.parquet import ParquetReader
from khabar.io.registry import FORMATS, READERS, SniffReader, reader_for
from khabar.io.txt import TxtReader
from khabar.io.zipfile import ZipReader

__all__ = [
    "DEFAULT_MAX_CHARS",
    "FORMATS",
    "READERS",
    "BinaryDataError",
    "CsvReader",
    "DecodeError",
    "EmptyInputError",
    "FieldMap",
    "JsonLinesReader",
    "JsonReader",
    "ParquetReader",
    "RawRecord",
    "ReadError",
    "Reader",
    "SniffReader",
    "StdinReader",
    "TxtReader",
    "UndetectableEncodingError",
    "ZipReader",
    "decode_bytes",
    "iter_files",
    "open_binary",
    "read_paths",
    "reader_for",
]
