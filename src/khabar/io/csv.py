"""CSV/TSV reader: a header row, then one article per row (streamed; never loads the whole file)."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from typing import BinaryIO

from khabar.io.base import DEFAULT_MAX_CHARS, FieldMap, RawRecord, Reader, ReadError, excerpt, sniff_stream
from khabar.io.encoding import DecodeError, decode_bytes, stream_encoding

__all__ = ["CsvReader"]

_DRAIN = 1 << 20


def _raise_field_limit() -> None:
    # Article bodies are far larger than csv's 128 KiB default field limit; memory is bounded by the
    # line reader (_Lines) instead. The limit is process-global, so only ever raise it.
    limit = sys.maxsize
    while True:
        try:
            if csv.field_size_limit() < limit:
                csv.field_size_limit(limit)
            return
        except OverflowError:  # C long is 32-bit on some platforms
            limit //= 2


class _RecordTooLarge(Exception):
    """Raised out of csv.reader by _Lines when one row's lines outgrow the limit."""


class _Lines:
    """The lines csv.reader parses, decoded one by one, each and every row bounded in size.

    Decoding per line (UTF-8, else the legacy encoding found before, else a fresh detection) means a late
    row in another encoding is decoded or reported on its own instead of ending the file. Problems
    (undecodable bytes, NUL bytes, an over-long line) are noted by line number for the row that holds the
    line; the line is passed on cleaned so that the parser keeps its place.
    """

    def __init__(self, stream: io.BufferedReader, wide: str | None, sticky: str | None, limit: int) -> None:
        self.stream = stream
        self.text = io.TextIOWrapper(stream, encoding=wide, newline="") if wide else None
        self.sticky = sticky  # legacy encoding found so far
        self.limit = limit  # characters per row
        self.lineno = 0
        self.row_chars = 0
        self.row_encoding: str | None = None  # a legacy encoding a line of the current row was decoded with
        self.row_lines: list[str] = []  # the current row's lines, for the errors file when it is broken
        self.problems: dict[int, str] = {}

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.text is not None:
            line = self.text.readline(self.limit + 1)
            ends: tuple[str, ...] | tuple[bytes, ...] = ("\n", "\r")
        else:
            raw = self.stream.readline(4 * self.limit + 1)
            line, ends = raw, (b"\n",)
        if not line:
            raise StopIteration
        self.lineno += 1
        if len(line) > (self.limit if self.text is not None else 4 * self.limit) and not line.endswith(ends):
            total = len(line)
            source = self.text if self.text is not None else self.stream
            while chunk := source.readline(_DRAIN):
                total += len(chunk)
                if chunk.endswith(ends):  # type: ignore[arg-type]
                    break
            unit = "characters" if self.text is not None else "bytes"
            self.problems[self.lineno] = (
                f"record too large: line {self.lineno} has {total} {unit} (limit {self.limit} characters)"
            )
            return "\n"
        text = line if isinstance(line, str) else self._decode(line)
        self.row_chars += len(text)
        self.row_lines.append(text)
        if self.row_chars > self.limit:
            raise _RecordTooLarge(f"record too large: over {self.limit} characters by line {self.lineno}")
        return text

    def _decode(self, line: bytes) -> str:
        if b"\x00" in line:
            self.problems[self.lineno] = f"NUL byte in line {self.lineno}"
            line = line.replace(b"\x00", b"")
        try:
            return line.decode("utf-8")
        except UnicodeDecodeError:
            pass
        if self.sticky is not None:
            try:
                text = line.decode(self.sticky)
                self.row_encoding = self.sticky
                return text
            except UnicodeDecodeError:
                pass
        try:
            text, found = decode_bytes(line)
        except DecodeError as exc:
            self.problems[self.lineno] = f"undecodable line {self.lineno}: {exc}"
            return line.decode("utf-8", errors="replace")
        if not found.startswith("utf-"):
            self.sticky = found
        self.row_encoding = found
        return text

    def problem_in(self, first: int, last: int) -> str | None:
        """The first problem noted on lines ``first``..``last`` (and forget them)."""
        found = [self.problems.pop(n) for n in sorted(self.problems) if first <= n <= last]
        return found[0] if found else None


class CsvReader(Reader):
    """``.csv`` (comma) and ``.tsv`` (tab): ``origin_record`` is the data row number (header excluded).

    Rows whose field count differs from the header's are errors (usually broken quoting), not guesses;
    so is a quote left open (strict parsing), which would otherwise swallow the rows after it. Lines are
    decoded one by one (see :class:`_Lines`): a late row in a legacy encoding is decoded, an undecodable
    or NUL-holding row is an error for that row alone, and no row may exceed ``max_chars`` (plus room for
    its other fields), so memory stays bounded.
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
            codec, _, reported = stream_encoding(head)
        except DecodeError as exc:
            yield ReadError(origin, None, str(exc), excerpt(head[:8000]))
            return
        wide = codec if codec.startswith(("utf-16", "utf-32")) else None
        if codec == "utf-8-sig":
            buffered.read(3)
        legacy = None if codec.startswith("utf") else codec
        lines = _Lines(buffered, wide, legacy, self.max_chars + (1 << 16))
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            yield ReadError(origin, None, "empty file")
            return
        except (csv.Error, _RecordTooLarge) as exc:
            yield ReadError(origin, None, f"broken CSV header: {exc}", excerpt(head[:2000]))
            return
        problem = lines.problem_in(1, reader.line_num)
        if problem is not None:
            yield ReadError(origin, None, f"broken CSV header: {problem}", excerpt(head[:2000]))
            return
        header = [name.lstrip("\ufeff").strip() for name in header]
        row_no = 0
        while True:
            line_before = reader.line_num
            lines.row_chars, lines.row_encoding, lines.row_lines = 0, None, []
            try:
                row = next(reader)
            except StopIteration:
                if row_no == 0 and not set(header) & set(self.field_map.text):
                    # no rows, and no column that could hold one: not a CSV export at all (binary data
                    # in one "line", a text file named .csv), so say so rather than read nothing
                    yield ReadError(
                        origin,
                        None,
                        f"no rows, and the header names no text field ({', '.join(self.field_map.text)})",
                        excerpt(head[:2000]),
                    )
                return
            except (csv.Error, _RecordTooLarge) as exc:
                row_no += 1
                first, last = line_before + 1, max(reader.line_num, lines.lineno)
                lines.problem_in(first, last)
                if isinstance(exc, _RecordTooLarge):
                    reason = str(exc)
                elif last > first:
                    reason = f"broken CSV quoting: the row from line {first} runs to line {last}: {exc}"
                else:
                    reason = f"broken CSV at line {last}: {exc}"
                yield ReadError(origin, row_no, reason, excerpt("".join(lines.row_lines)))
                if lines.lineno == line_before:
                    return  # no progress possible: stop rather than loop
                continue
            problem = lines.problem_in(line_before + 1, reader.line_num)
            if not row and problem is None:
                continue  # blank line
            row_no += 1
            if problem is not None:
                yield ReadError(origin, row_no, problem, excerpt(delimiter.join(row)))
                continue
            if len(row) != len(header):
                yield ReadError(
                    origin,
                    row_no,
                    f"row has {len(row)} fields, header has {len(header)} (line {reader.line_num})",
                    excerpt(delimiter.join(row)),
                )
                continue
            encoding = lines.row_encoding or reported
            yield self.make_record(
                dict(zip(header, row, strict=True)), origin, row_no, encoding, lambda r=row: delimiter.join(r)
            )
