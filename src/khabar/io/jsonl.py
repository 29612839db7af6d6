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
import re
from collections.abc import Iterator
from typing import IO, Any, BinaryIO, NamedTuple

from khabar.io.base import RawRecord, Reader, ReadError, excerpt, sniff_stream
from khabar.io.encoding import DecodeError, bom_encoding, decode_bytes, detect_utf16, stream_encoding

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

    Blank lines are skipped. The format is decided by the extension, never by content: a line that is not
    an object (even a first line starting with ``[``) is an error for that line, and reading goes on.
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


class _Window:
    """A text stream read in chunks: a cursor (``pos`` in ``buf``), the line it is on, and the text kept
    from ``mark`` (the value being read) - never more than ``limit`` characters of it, so memory stays
    bounded whatever the input."""

    def __init__(self, stream: IO[str], limit: int) -> None:
        self.stream = stream
        self.limit = limit
        self.buf = ""
        self.pos = 0
        self.base = 0  # characters dropped before buf[0]
        self.line = 1
        self.eof = False
        self.mark: int | None = None  # where the kept value starts in buf
        self.parts: list[str] = []  # the kept value's text before buf
        self.kept = 0
        self.overflow = ""  # the start of a value that outgrew the limit, for its error excerpt

    def offset(self) -> int:
        return self.base + self.pos

    def advance(self, to: int) -> None:
        self.line += self.buf.count("\n", self.pos, to)
        self.pos = to

    def more(self) -> bool:
        """Read the next chunk (dropping what is no longer needed); False at the end of the input.

        Called with the cursor at (or one character before) the end of ``buf``. The kept value is moved
        into ``parts`` rather than re-concatenated, so keeping a large value costs linear time."""
        if self.eof:
            return False
        chunk = self.stream.read(_CHUNK_CHARS)
        if not chunk:
            self.eof = True
            return False
        if self.mark is not None:
            if self.kept + self.pos - self.mark > self.limit:
                # Too large: stop keeping it, only find where it ends.
                self.overflow = ("".join(self.parts) + self.buf[self.mark : self.mark + 2000])[:2000]
                self.parts = []
                self.mark = None
            else:
                self.parts.append(self.buf[self.mark : self.pos])
                self.kept += self.pos - self.mark
                self.mark = 0
        self.base += self.pos
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        return True

    def start_value(self) -> None:
        self.mark = self.pos
        self.parts = []
        self.kept = 0
        self.overflow = ""

    def kept_text(self) -> str | None:
        """The value kept since ``start_value`` (None if it outgrew the limit); stops keeping."""
        if self.mark is None:
            return None
        text = "".join(self.parts) + self.buf[self.mark : self.pos]
        self.mark = None
        self.parts = []
        return text

    def peek(self) -> str:
        """The next non-blank character ('' at the end), the cursor moved onto it."""
        while True:
            pos = _skip_ws(self.buf, self.pos)
            self.advance(pos)
            if pos < len(self.buf):
                return self.buf[pos]
            if not self.more():
                return ""

    def skip_line(self) -> None:
        """Move past the next newline (to resynchronise after a broken value)."""
        while True:
            nl = self.buf.find("\n", self.pos)
            if nl >= 0:
                self.advance(nl + 1)
                return
            self.advance(len(self.buf))
            if not self.more():
                return


class _Value(NamedTuple):
    """One JSON value as scanned: its text (None when too large or broken), where it starts, why not."""

    text: str | None
    line: int
    size: int
    problem: str | None = None  # 'too large' or a syntax problem
    excerpt: str = ""
    parsed: Any = None  # the decoded value when the fast path already decoded it


_CHUNK_CHARS = 1 << 16
_STRUCTURE = re.compile(r'[\[\]{}"]')
_STRING_BODY = re.compile(r'[^"\\\n]*(?:\\[^\n][^"\\\n]*)*')
_SCALAR_END = re.compile(r"[,\]}\s]")


def _next_value(win: _Window) -> _Value:
    """The value at the cursor. Fast path: the whole value is in the buffer and decodes there (almost
    every article); otherwise the scanner finds its end in bounded memory."""
    buf, pos = win.buf, win.pos
    try:
        parsed, end = _DECODER.raw_decode(buf, pos)
    except (json.JSONDecodeError, RecursionError):
        return _scan_value(win)
    if end >= len(buf) and not win.eof:  # a number may go on in the next chunk
        return _scan_value(win)
    line = win.line
    win.advance(end)
    if end - pos > win.limit:  # the same verdict as the scanner's, wherever the chunks fall
        return _Value(None, line, end - pos, "too large", buf[pos : pos + 2000])
    return _Value(buf[pos:end], line, end - pos, parsed=parsed)


def _scan_value(win: _Window) -> _Value:
    """Scan the value at the cursor without the recursive decoder: the nesting depth is counted, so a
    value nested too deeply (json's decoder recursion) or too large is an error for that value alone and the scan goes on after
    it. A raw newline inside a string (never valid JSON) or the end of the data inside the value stops it
    as 'broken', with the cursor on that newline."""
    start, line = win.offset(), win.line
    win.start_value()
    depth = 0
    in_string = False
    problem: str | None = None
    if win.buf[win.pos] not in '{["':
        while (m := _SCALAR_END.search(win.buf, win.pos)) is None:
            win.advance(len(win.buf))
            if not win.more():
                break
        if m is not None:
            win.advance(m.start())
    else:
        while True:
            buf = win.buf
            if in_string:
                end = _STRING_BODY.match(buf, win.pos).end()  # type: ignore[union-attr]
                win.advance(end)
                if end < len(buf) and buf[end] == '"':
                    win.advance(end + 1)
                    in_string = False
                    if depth == 0:
                        break
                    continue
                if end + 1 < len(buf):  # a raw newline in the string (or a backslash before one)
                    problem = "unterminated string"
                    win.advance(buf.index("\n", end))
                    break
                if not win.more():
                    problem = "unexpected end of data"
                    break
                continue
            quote = buf.find('"', win.pos)
            stop = len(buf) if quote < 0 else quote
            if depth > stop - win.pos:  # cannot get back to depth 0 before the quote: count in bulk
                depth += sum(buf.count(c, win.pos, stop) for c in "[{") - sum(
                    buf.count(c, win.pos, stop) for c in "]}"
                )
                win.advance(stop)
            else:
                for m in _STRUCTURE.finditer(buf, win.pos, stop):
                    depth += 1 if m.group() in "[{" else -1
                    if depth <= 0:
                        win.advance(m.end())
                        break
                else:
                    win.advance(stop)
                if depth <= 0:
                    break
            if quote >= 0 and win.pos == quote:
                win.advance(quote + 1)
                in_string = True
            elif win.pos >= len(win.buf) and not win.more():
                problem = "unexpected end of data"
                break
    size = win.offset() - start
    text = win.kept_text()
    if problem is not None:
        return _Value(None, line, size, problem, text[:2000] if text is not None else win.overflow)
    if text is None or len(text) > win.limit:
        return _Value(None, line, size, "too large", win.overflow or (text or "")[:2000])
    return _Value(text, line, size)


class JsonReader(Reader):
    """``.json``: a JSON array of objects, a single object, or JSON Lines (decided by content).

    Streamed, never loaded whole: the document is decoded chunk by chunk and each array element (or
    top-level object) is scanned out and parsed on its own, so memory is bounded by ``max_chars``. An
    element too large or nested too deeply is an error for that element and reading goes on.
    ``origin_record``: the array index (1-based); for top-level objects, the line each starts on (1 for a
    single object).
    """

    name = "json"
    extensions = (".json",)

    @property
    def value_char_limit(self) -> int:
        # A JSON string may spell each character as a 6-character \\uXXXX escape; room for other fields.
        return 6 * self.max_chars + (1 << 16)

    def read_stream(self, stream: BinaryIO, origin: str) -> Iterator[RawRecord | ReadError]:
        head, buffered = sniff_stream(stream)
        if not head.strip(b" \t\r\n"):
            yield ReadError(origin, None, "empty file")
            return
        first_line = head.lstrip(b" \t\r\n").removeprefix(codecs.BOM_UTF8).split(b"\n", 1)[0].rstrip()
        if first_line.startswith(b"{") and first_line.endswith(b"}") and b"\n" in head.lstrip():
            # One complete-looking object on the first line: JSON Lines, read (and numbered) by line.
            yield from JsonLinesReader(self.field_map, self.max_chars).read_lines(buffered, origin, head)
            return
        try:
            codec, errors, encoding = stream_encoding(head)
        except DecodeError as exc:
            yield ReadError(origin, None, str(exc), excerpt(head[:8000]))
            return
        text = io.TextIOWrapper(buffered, encoding=codec, errors=errors, newline="")
        win = _Window(text, self.value_char_limit)
        first = win.peek()
        if first == "\ufeff":
            win.advance(win.pos + 1)
            first = win.peek()
        if first == "[":
            win.advance(win.pos + 1)
            yield from self._array(win, origin, encoding)
        elif first == "{":
            yield from self._objects(win, origin, encoding)
        elif first == "":
            yield ReadError(origin, None, "empty file")
        else:
            yield ReadError(
                origin, None, "not JSON: expected an object or an array", excerpt(win.buf[win.pos :][:2000])
            )

    def _value_record(
        self, value: _Value, origin: str, record: int, encoding: str, where: str
    ) -> RawRecord | ReadError:
        if value.problem == "too large":
            return ReadError(
                origin,
                record,
                f"record too large: {where} of {value.size} characters (limit {self.max_chars} characters)",
                excerpt(value.excerpt),
            )
        if value.problem is not None or value.text is None:
            return ReadError(
                origin, record, f"broken JSON at line {value.line}: {value.problem}", excerpt(value.excerpt)
            )
        try:
            obj = value.parsed if value.parsed is not None else json.loads(value.text)
        except json.JSONDecodeError as exc:
            return ReadError(origin, record, _broken(exc, value.line + exc.lineno - 1), excerpt(value.text))
        except RecursionError:
            return ReadError(
                origin, record, f"broken JSON at line {value.line}: nested too deeply", excerpt(value.text)
            )
        if not isinstance(obj, dict):
            return ReadError(
                origin, record, f"expected a JSON object {where}, got {_type_name(obj)}", excerpt(value.text)
            )
        return self.make_record(obj, origin, record, encoding, lambda: value.text[:2001])  # type: ignore[index]

    def _array(self, win: _Window, origin: str, encoding: str) -> Iterator[RawRecord | ReadError]:
        if win.peek() == "]":
            win.advance(win.pos + 1)
            yield from self._trailing(win, origin)
            return
        index = 0
        while True:
            index += 1
            if win.peek() == "":
                yield ReadError(origin, None, f"broken JSON at line {win.line}: unexpected end of data")
                return
            value = _next_value(win)
            yield self._value_record(value, origin, index, encoding, "in the array")
            if value.problem == "unexpected end of data":
                return
            if value.problem not in (None, "too large"):
                yield ReadError(
                    origin, None, f"broken JSON: the rest of the array, from line {win.line}, was not read"
                )
                return
            after = win.peek()
            if after == ",":
                win.advance(win.pos + 1)
                continue
            if after == "]":
                win.advance(win.pos + 1)
                yield from self._trailing(win, origin)
                return
            what = "unexpected end of data" if after == "" else "Expecting ',' delimiter"
            yield ReadError(
                origin,
                None,
                f"broken JSON at line {win.line}: {what} after element {index}",
                excerpt(win.buf[win.pos : win.pos + 2000]),
            )
            return

    def _trailing(self, win: _Window, origin: str) -> Iterator[ReadError]:
        if win.peek() != "":
            yield ReadError(
                origin,
                None,
                f"broken JSON at line {win.line}: extra data after the array",
                excerpt(win.buf[win.pos : win.pos + 2000]),
            )

    def _objects(self, win: _Window, origin: str, encoding: str) -> Iterator[RawRecord | ReadError]:
        """Top-level objects one after another (a single object, concatenated or JSON Lines-like)."""
        while (first := win.peek()) != "":
            if first != "{":
                yield ReadError(
                    origin,
                    win.line,
                    f"expected a JSON object at line {win.line}",
                    excerpt(win.buf[win.pos : win.pos + 2000]),
                )
                win.skip_line()
                continue
            value = _next_value(win)
            yield self._value_record(value, origin, value.line, encoding, f"at line {value.line}")
