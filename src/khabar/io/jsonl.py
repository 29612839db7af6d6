"""JSON readers: JSON Lines (streamed line by line) and ``.json`` documents (array, object or JSON Lines).

Legacy-encoded JSON Lines are decoded **line by line**: each line tries strict UTF-8 first (the fast path,
no detector), and the first line that is not UTF-8 runs :func:`decode_bytes`; the encoding found becomes
sticky for the rest of the file. Why not whole-file: JSONL can be many GB and must stream, and a JSONL
line is usually a whole article - plenty of text for the Arabic scorer; and a dump concatenated from
UTF-8 and cp1256 parts still reads correctly. UTF-16/32 files (BOM or sniffed) are the exception: their
newlines are two or four bytes, so they are read through a text decoder instead of split on ``b"\\n"``.
"""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Iterator
from typing import IO, Any, BinaryIO

from khabar.io.base import RawRecord, Reader, ReadError, excerpt, sniff_stream
from khabar.io.encoding import DecodeError, bom_encoding, decode_bytes, detect_utf16

__all__ = ["JsonLinesReader", "JsonReader"]

_DRAIN = 1 << 20


def _drain_line(stream: IO[Any], ends: tuple[Any, ...]) -> int:
    """Read the rest of an oversized line (up to and including one of ``ends``) without keeping it; its
    length."""
    total = 0
    while chunk := stream.readline(_DRAIN):
        total += len(chunk)
        if chunk.endswith(ends):
            break
    return total


def _decode_line(line: bytes, sticky: str | None) -> tuple[str, str]:
    """UTF-8, else the legacy encoding an earlier line of the file had, else a fresh detection."""
    try:
        return line.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if sticky is not None:
        try:
            return line.decode(sticky), sticky
        except UnicodeDecodeError:
            pass
    return decode_bytes(line)


_WS = " \t\r\n\ufeff"
_DECODER = json.JSONDecoder()


def _broken(exc: json.JSONDecodeError, line: int) -> str:
    # Single-line input: json's own 0-based "char" offset (as in its message); multi-line documents:
    # the 1-based column on the reported line, which is what an editor shows.
    where = f"column {exc.colno}" if exc.lineno > 1 else f"char {exc.pos}"
    return f"broken JSON at line {line}: {exc.msg} ({where})"


def _skip_ws(text: str, pos: int) -> int:
    n = len(text)
    while pos < n and text[pos] in _WS:
        pos += 1
    return pos


def _type_name(value: Any) -> str:
    return {list: "array", str: "string", bool: "boolean", type(None): "null"}.get(type(value), "number")


class JsonLinesReader(Reader):
    """``.jsonl`` / ``.ndjson``: one JSON object per line; ``origin_record`` is the line number.

    Blank lines are skipped. A file whose first non-blank byte is ``[`` is read as a JSON array instead
    (a mislabelled ``.json`` file).
    """

    name = "jsonl"
    extensions = (".jsonl", ".ndjson")

    @property
    def line_byte_limit(self) -> int:
        # A JSON string may spell each character as a 6-byte \\uXXXX escape; leave room for other fields.
        return 6 * self.max_chars + (1 << 16)

    def read_stream(self, stream: BinaryIO, origin: str) -> Iterator[RawRecord | ReadError]:
        head, buffered = sniff_stream(stream)
        if not head:
            yield ReadError(origin, None, "empty file")
            return
        first = head.lstrip(b" \t\r\n")
        if first.startswith(b"[") or first.startswith(codecs.BOM_UTF8 + b"["):
            yield from JsonReader(self.field_map, self.max_chars).read_stream(buffered, origin)
            return
        yield from self.read_lines(buffered, origin, head)

    def read_lines(
        self, stream: io.BufferedReader, origin: str, head: bytes
    ) -> Iterator[RawRecord | ReadError]:
        """Stream JSON Lines from ``stream`` (``head``: its first bytes, already peeked, used to sniff)."""
        wide = self._wide_encoding(head)
        if wide is not None:
            yield from self._read_text_lines(
                io.TextIOWrapper(stream, encoding=wide, newline=""), origin, wide
            )
            return
        sticky: str | None = None  # legacy encoding found on an earlier line
        limit = self.line_byte_limit
        lineno = 0
        while True:
            line = stream.readline(limit + 1)
            if not line:
                return
            lineno += 1
            if len(line) > limit and not line.endswith(b"\n"):
                total = len(line) + _drain_line(stream, (b"\n",))
                yield ReadError(
                    origin,
                    lineno,
                    f"record too large: line of {total} bytes (limit {self.max_chars} characters)",
                    excerpt(line[:8000]),
                )
                continue
            if lineno == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[3:]
            if not line.strip():
                continue
            try:
                text, encoding = _decode_line(line, sticky)
            except DecodeError as exc:
                yield ReadError(origin, lineno, str(exc), excerpt(line))
                continue
            if encoding not in ("utf-8", sticky) and not encoding.startswith("utf-"):
                sticky = encoding
            yield self.parse_line(text, origin, lineno, encoding)

    def _wide_encoding(self, head: bytes) -> str | None:
        found = bom_encoding(head)
        if found is not None and found[0] != "utf-8-sig":
            return found[0]
        if b"\x00" in head:
            return detect_utf16(head)
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
            return None
        except UnicodeDecodeError:
            return detect_utf16(head)

    def _read_text_lines(
        self, stream: io.TextIOWrapper, origin: str, encoding: str
    ) -> Iterator[RawRecord | ReadError]:
        limit = self.line_byte_limit // 2
        lineno = 0
        while True:
            line = stream.readline(limit + 1)
            if not line:
                return
            lineno += 1
            if len(line) > limit and not line.endswith(("\n", "\r")):
                total = len(line) + _drain_line(stream, ("\n", "\r"))
                yield ReadError(
                    origin,
                    lineno,
                    f"record too large: line of {total} characters (limit {self.max_chars} characters)",
                    excerpt(line),
                )
                continue
            line = line.lstrip("\ufeff") if lineno == 1 else line
            if line.strip():
                yield self.parse_line(line, origin, lineno, encoding)

    def parse_line(self, text: str, origin: str, lineno: int, encoding: str | None) -> RawRecord | ReadError:
        """Parse one JSON Lines line into a record or an error naming the line."""
        text = text.rstrip("\r\n")
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            return ReadError(origin, lineno, _broken(exc, lineno), excerpt(text))
        except RecursionError:
            return ReadError(
                origin, lineno, f"broken JSON at line {lineno}: nested too deeply", excerpt(text)
            )
        if not isinstance(obj, dict):
            return ReadError(
                origin,
                lineno,
                f"expected a JSON object at line {lineno}, got {_type_name(obj)}",
                excerpt(text),
            )
        return self.make_record(obj, origin, lineno, encoding, text)


class JsonReader(Reader):
    """``.json``: a JSON array of objects, a single object, or JSON Lines (decided by content).

    The whole document is decoded at once (JSON documents cannot be decoded in pieces with the standard
    library); array elements are then parsed one by one, so the records before a syntax error are kept.
    ``origin_record``: the array index (1-based), 1 for a single object, the line number for JSON Lines.
    """

    name = "json"
    extensions = (".json",)

    def read_stream(self, stream: BinaryIO, origin: str) -> Iterator[RawRecord | ReadError]:
        data = stream.read()
        try:
            text, encoding = decode_bytes(data)
        except DecodeError as exc:
            yield ReadError(origin, None, str(exc), excerpt(data[:8000]))
            return
        yield from self.read_text(text, origin, encoding)

    def read_text(self, text: str, origin: str, encoding: str | None) -> Iterator[RawRecord | ReadError]:
        pos = _skip_ws(text, 0)
        if pos >= len(text):
            yield ReadError(origin, None, "empty file")
        elif text[pos] == "[":
            yield from self._array(text, pos, origin, encoding)
        elif text[pos] == "{":
            yield from self._object_or_lines(text, pos, origin, encoding)
        else:
            yield ReadError(
                origin, None, "not JSON: expected an object or an array", excerpt(text[pos : pos + 2000])
            )

    def _array(
        self, text: str, pos: int, origin: str, encoding: str | None
    ) -> Iterator[RawRecord | ReadError]:
        pos = _skip_ws(text, pos + 1)
        if pos < len(text) and text[pos] == "]":
            return
        index = 0
        while True:
            index += 1
            try:
                obj, end = _DECODER.raw_decode(text, pos)
            except json.JSONDecodeError as exc:
                yield ReadError(origin, index, _broken(exc, exc.lineno), excerpt(text[pos : pos + 2000]))
                return
            except RecursionError:
                yield ReadError(
                    origin, index, "broken JSON: nested too deeply", excerpt(text[pos : pos + 2000])
                )
                return
            raw = text[pos : min(end, pos + 2001)]
            if isinstance(obj, dict):
                yield self.make_record(obj, origin, index, encoding, raw)
            else:
                yield ReadError(
                    origin, index, f"expected a JSON object in the array, got {_type_name(obj)}", raw
                )
            pos = _skip_ws(text, end)
            if pos < len(text) and text[pos] == ",":
                pos = _skip_ws(text, pos + 1)
                continue
            if pos < len(text) and text[pos] == "]":
                rest = _skip_ws(text, pos + 1)
                if rest < len(text):
                    line = text.count("\n", 0, rest) + 1
                    yield ReadError(
                        origin,
                        None,
                        f"broken JSON at line {line}: extra data after the array",
                        excerpt(text[rest : rest + 2000]),
                    )
                return
            line = text.count("\n", 0, pos) + 1
            what = "unexpected end of data" if pos >= len(text) else "Expecting ',' delimiter"
            yield ReadError(
                origin,
                None,
                f"broken JSON at line {line}: {what} after element {index}",
                excerpt(text[pos : pos + 2000]),
            )
            return

    def _object_or_lines(
        self, text: str, pos: int, origin: str, encoding: str | None
    ) -> Iterator[RawRecord | ReadError]:
        try:
            obj, end = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            if exc.lineno > 1:
                # An error past the first line: a (pretty-printed) single document that is broken.
                yield ReadError(origin, 1, _broken(exc, exc.lineno), excerpt(text[:2000]))
                return
            obj, end = None, -1  # first line broken: treat as JSON Lines, reporting line by line
        if end >= 0 and _skip_ws(text, end) >= len(text):
            if isinstance(obj, dict):
                yield self.make_record(obj, origin, 1, encoding, text[pos : pos + 2001])
            return
        lines = JsonLinesReader(self.field_map, self.max_chars)
        start = 0
        lineno = 0
        while start < len(text):
            stop = text.find("\n", start)
            stop = len(text) if stop < 0 else stop + 1
            line = text[start:stop]
            lineno += 1
            start = stop
            if line.strip(_WS):
                yield lines.parse_line(line, origin, lineno, encoding)
