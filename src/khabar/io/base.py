"""Shared pieces of the input layer: records, errors, field mapping, compression and the Reader base.

Every reader turns one file (or stream) into an iterator of :class:`RawRecord` or :class:`ReadError`.
Bad input never raises out of that iterator: it becomes a ``ReadError`` naming the file and the record,
and reading goes on with the next record (or the next file when the file itself is unreadable).
"""

from __future__ import annotations

import bz2
import datetime as _dt
import gzip
import io
import lzma
import shutil
import tempfile
import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, BinaryIO, ClassVar

from khabar.io.encoding import DecodeError

__all__ = [
    "COMPRESSION_SUFFIXES",
    "DEFAULT_MAX_CHARS",
    "MAX_RAW_CHARS",
    "FieldMap",
    "RawRecord",
    "ReadError",
    "Reader",
    "excerpt",
    "format_suffix",
    "open_binary",
    "peek_stdin",
    "seekable",
    "sniff_stream",
    "stdin_binary",
    "wrap_decompress",
]

DEFAULT_MAX_CHARS = 5_000_000
MAX_RAW_CHARS = 2_000  # bound on ReadError.raw so an errors file stays readable
_CHUNK = 1 << 16


RawSource = str | bytes | Callable[[], str] | None


def excerpt(raw: RawSource, limit: int = MAX_RAW_CHARS) -> str:
    """A bounded, printable excerpt of offending input for error reports.

    ``raw`` may be a callable, so that readers only build the excerpt when there is an error.
    """
    if callable(raw):
        raw = raw()
    if raw is None:
        return ""
    if isinstance(raw, bytes):
        # Errors are about undecodable input; show bytes losslessly enough for a human.
        raw = raw[: limit * 4].decode("utf-8", errors="backslashreplace")
    if len(raw) > limit:
        return raw[: limit - 1] + "…"
    return raw


@dataclass(frozen=True, slots=True, kw_only=True)
class RawRecord:
    """One article as read from input, before any normalisation (published is passed through as-is)."""

    text: str
    id: str | None = None
    title: str | None = None
    url: str | None = None
    published: str | None = None
    source: str | None = None
    origin_file: str
    origin_record: int  # 1-based: JSONL line, CSV/Parquet data row, JSON array index, 1 for txt
    encoding: str | None = None  # encoding detected when bytes were decoded (None if not from bytes)
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ReadError:
    """A record (or a whole file, ``record is None``) that could not be read."""

    file: str
    record: int | None
    reason: str
    raw: str = ""

    def __post_init__(self) -> None:
        # Keep the contract (one-line reason, bounded raw) even if a caller passes something long.
        object.__setattr__(self, "reason", " ".join(str(self.reason).split()))
        if len(self.raw) > MAX_RAW_CHARS:
            object.__setattr__(self, "raw", excerpt(self.raw))

    def __str__(self) -> str:
        if self.record is None:
            return f"{self.file}: {self.reason}"
        return f"{self.file}:{self.record}: {self.reason}"


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Input field names for each RawRecord field; candidates are tried in order."""

    id: tuple[str, ...] = ("id",)
    text: tuple[str, ...] = ("text", "content")
    title: tuple[str, ...] = ("title",)
    url: tuple[str, ...] = ("url", "link")
    published: tuple[str, ...] = ("published", "date", "date_extracted")
    source: tuple[str, ...] = ("source",)


# ---------------------------------------------------------------------------------------------------------
# Compression

COMPRESSION_SUFFIXES: dict[str, str] = {
    ".gz": "gzip",
    ".gzip": "gzip",
    ".bz2": "bz2",
    ".xz": "xz",
    ".lzma": "xz",
    ".zst": "zstd",
    ".zstd": "zstd",
}

# Magic bytes win over the extension: a mislabelled file is still read correctly.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)


def format_suffix(name: str) -> str:
    """The format extension of ``name`` after stripping compression suffixes, lower-cased ('' if none).

    ``news.jsonl.gz`` -> ``.jsonl``; ``day.JSON`` -> ``.json``; ``README`` -> ``''``.
    """
    base = name.rsplit("/", 1)[-1].lower()
    while True:
        stem, dot, ext = base.rpartition(".")
        if not dot or not stem:
            return ""
        if "." + ext in COMPRESSION_SUFFIXES:
            base = stem
            continue
        return "." + ext


class _PrefixedRaw(io.RawIOBase):
    """Serves already-read ``head`` bytes, then the rest of ``stream`` (lets us sniff non-seekable input).

    Closing it does not close ``stream``: ownership stays with whoever opened it (stdin must stay open).
    """

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self._head = memoryview(head)
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._stream.read(len(buffer))
        if not data:
            return 0
        buffer[: len(data)] = data
        return len(data)


class _ZstdRaw(io.RawIOBase):
    """Streaming zstd decoder that, unlike ``zstandard.stream_reader``, reports a truncated stream.

    ``stream_reader`` silently returns short data on a cut-off frame; the contract needs an error.
    Multiple concatenated frames are supported (as produced by ``zstd`` on appended files).
    """

    def __init__(self, stream: BinaryIO) -> None:
        import zstandard  # local: only needed for .zst input

        self._zstd = zstandard
        self._stream = stream
        self._dctx = zstandard.ZstdDecompressor()
        self._dobj = self._dctx.decompressobj()
        self._pending = b""
        self._in_frame = False  # bytes fed to the current frame but frame not finished
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending and not self._done:
            chunk = self._stream.read(_CHUNK)
            if not chunk:
                self._done = True
                if self._in_frame:
                    raise EOFError("zstd stream ended before the end of the frame")
                break
            self._feed(chunk)
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def _feed(self, chunk: bytes) -> None:
        out = []
        while chunk:
            self._in_frame = True
            out.append(self._dobj.decompress(chunk))
            if not self._dobj.eof:
                break
            self._in_frame = False
            chunk = self._dobj.unused_data
            self._dobj = self._dctx.decompressobj()
        self._pending += b"".join(out)


def _read_up_to(stream: BinaryIO, n: int) -> bytes:
    """Read up to ``n`` bytes, looping over short reads (pipes, decompressors)."""
    parts: list[bytes] = []
    got = 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def sniff_stream(stream: BinaryIO, n: int = _CHUNK) -> tuple[bytes, io.BufferedReader]:
    """Return the first ``n`` bytes of ``stream`` and a buffered stream that still starts at byte 0."""
    head = _read_up_to(stream, n)
    return head, io.BufferedReader(_PrefixedRaw(head, stream), buffer_size=_CHUNK)


class _Owning(io.BufferedReader):
    """A buffered decompressor that also closes the stream it reads from (GzipFile & co. do not)."""

    def __init__(self, raw: Any, inner: BinaryIO | None) -> None:
        super().__init__(raw, buffer_size=_CHUNK)
        self._inner = inner

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self._inner is not None:
                self._inner.close()


def wrap_decompress(stream: BinaryIO, close_inner: bool = False) -> BinaryIO:
    """Wrap ``stream`` so that gzip/bz2/xz/zstd content is transparently decompressed.

    Detection is by magic bytes (the extension is only used to pick the format, see
    :func:`format_suffix`); a file named ``.gz`` that is not gzip is read as plain bytes rather than
    failing, since mislabelled dumps are common. Nested compression is unwrapped once only.
    ``close_inner``: closing the result also closes ``stream``.
    """
    if stream.seekable():
        # Seekable input (a regular file): peek and rewind, so readers that need random access
        # (zip, Parquet) keep it.
        start = stream.tell()
        head = stream.read(8)
        stream.seek(start)
        buffered: BinaryIO = stream
    else:
        head, buffered = sniff_stream(stream, 8)
    kind = next((k for magic, k in _MAGIC if head.startswith(magic)), None)
    inner = buffered if close_inner else None
    if kind == "gzip":
        return _Owning(gzip.GzipFile(fileobj=buffered, mode="rb"), inner)
    if kind == "bz2":
        return _Owning(bz2.BZ2File(buffered, mode="rb"), inner)
    if kind == "xz":
        return _Owning(lzma.LZMAFile(buffered, mode="rb"), inner)
    if kind == "zstd":
        return _Owning(_ZstdRaw(buffered), inner)
    return buffered


class _StdinState:
    """The process's stdin as one shared byte stream that can be peeked at and still read whole.

    ``show -`` and ``dedup -`` first look at stdin to tell khabar records from raw input, then read it;
    both go through this, so the peeked bytes are replayed. Keyed on ``sys.stdin`` (tests replace it).
    """

    owner: object = None
    stream: io.BufferedReader | None = None


def stdin_binary() -> io.BufferedReader:
    """Stdin as bytes, shared by every reader of ``-`` (a text-only stdin is encoded as UTF-8)."""
    import sys

    if _StdinState.stream is None or _StdinState.owner is not sys.stdin:
        buffer = getattr(sys.stdin, "buffer", None)
        if buffer is None:  # a text-only stdin (e.g. io.StringIO): its text is already decoded
            buffer = io.BytesIO(sys.stdin.read().encode("utf-8"))
        _StdinState.owner = sys.stdin
        _StdinState.stream = io.BufferedReader(_PrefixedRaw(b"", buffer), buffer_size=_CHUNK)
    return _StdinState.stream


def peek_stdin(limit: int) -> bytes:
    """Stdin's first non-blank line (at most ``limit`` bytes), left in place for the next reader."""
    stream = stdin_binary()
    head = b""
    while len(head) < limit:
        line = stream.readline(limit - len(head))
        head += line
        if not line or line.strip():
            break
    _StdinState.stream = io.BufferedReader(_PrefixedRaw(head, stream), buffer_size=_CHUNK)
    return head.lstrip()


@contextmanager
def seekable(stream: BinaryIO) -> Iterator[BinaryIO]:
    """``stream`` itself when it is seekable, else a copy spooled to an anonymous temporary file (never
    to memory: a compressed or piped input may be far larger than its bytes on the wire). The file has no
    name on disk, so it is gone when closed, or when the process dies."""
    if stream.seekable():
        yield stream
        return
    with tempfile.TemporaryFile(prefix="khabar-spool-") as spool:
        shutil.copyfileobj(stream, spool, 1 << 20)
        spool.seek(0)
        yield spool


def open_binary(path: str) -> BinaryIO:
    """Open ``path`` for binary reading with transparent decompression (gzip, bz2, xz, zstd)."""
    fh = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    try:
        return wrap_decompress(fh, close_inner=True)
    except BaseException:
        fh.close()
        raise


def describe_exception(exc: BaseException) -> str:
    """A one-line human reason for a file-level failure."""
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, DecodeError):
        return str(exc)
    if isinstance(exc, EOFError | zlib.error | lzma.LZMAError | gzip.BadGzipFile):
        return f"truncated or corrupt compressed data: {exc}"
    if isinstance(exc, OSError) and "Invalid data stream" in str(exc):  # bz2
        return f"truncated or corrupt compressed data: {exc}"
    if type(exc).__name__ == "ZstdError":
        return f"truncated or corrupt compressed data: {exc}"
    if isinstance(exc, UnicodeDecodeError):
        return f"undecodable text ({exc.encoding}): {exc.reason}"
    if isinstance(exc, OSError):
        return f"cannot read file: {exc.strerror or exc}"
    return f"{type(exc).__name__}: {exc}"


# ---------------------------------------------------------------------------------------------------------
# Field mapping


def _scalar_to_str(value: Any) -> str | None:
    """Strings pass; numbers, booleans and dates become strings; anything else (lists, dicts) is None."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"  # JSON spelling, not Python's
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, _dt.datetime | _dt.date | _dt.time):
        return value.isoformat()
    return None


class Reader(ABC):
    """Base of all readers: one file (or stream) in, RawRecords and ReadErrors out.

    Subclasses implement :meth:`read_stream` over an already-decompressed binary stream; :meth:`read`
    opens the path and turns any file-level failure into a ``ReadError`` so nothing escapes.
    """

    name: ClassVar[str] = "base"
    extensions: ClassVar[tuple[str, ...]] = ()

    def __init__(self, field_map: FieldMap | None = None, max_chars: int = DEFAULT_MAX_CHARS) -> None:
        self.field_map = field_map or FieldMap()
        self.max_chars = max_chars

    def read(self, path: str) -> Iterator[RawRecord | ReadError]:
        """Read one file; never raises for bad input."""
        try:
            stream = open_binary(path)
        except BaseException as exc:
            if not isinstance(exc, Exception):
                raise
            yield ReadError(path, None, describe_exception(exc))
            return
        with stream:
            yield from self.guard(self.read_stream(stream, path), path)

    @staticmethod
    def guard(records: Iterator[RawRecord | ReadError], origin: str) -> Iterator[RawRecord | ReadError]:
        """Pass records through; turn a failure mid-file into a file-level ReadError (records so far kept)."""
        try:
            yield from records
        except Exception as exc:  # bad input must never escape the stream
            yield ReadError(origin, None, describe_exception(exc))

    @abstractmethod
    def read_stream(self, stream: BinaryIO, origin: str) -> Iterator[RawRecord | ReadError]:
        """Read records from a decompressed binary stream; ``origin`` names it in records and errors."""

    # -- helpers for subclasses ----------------------------------------------------------------------

    def check_text(self, text: str, origin: str, record: int, raw: RawSource) -> ReadError | None:
        """The shared text checks: empty and too large."""
        if not text.strip():
            return ReadError(origin, record, "empty text", excerpt(raw))
        if len(text) > self.max_chars:
            return ReadError(
                origin,
                record,
                f"record too large: {len(text)} characters (limit {self.max_chars})",
                excerpt(raw),
            )
        return None

    def make_record(
        self,
        obj: Mapping[str, Any],
        origin: str,
        record: int,
        encoding: str | None,
        raw: RawSource = None,
    ) -> RawRecord | ReadError:
        """Apply the FieldMap to one mapping (a JSON object, CSV row or Parquet row)."""
        fm = self.field_map
        used: set[str] = set()

        text_value: Any = None
        text_key: str | None = None
        for key in fm.text:
            if key in obj:
                text_key = key
                text_value = obj[key]
                if text_value is not None:
                    break
        if text_key is None:
            return ReadError(origin, record, f"no text field (tried: {', '.join(fm.text)})", excerpt(raw))
        if text_value is None:
            return ReadError(origin, record, f"text field {text_key!r} is null", excerpt(raw))
        if isinstance(text_value, bytes | bytearray):
            try:
                text_value = bytes(text_value).decode("utf-8")
            except UnicodeDecodeError:
                return ReadError(origin, record, f"text field {text_key!r} is not valid UTF-8", excerpt(raw))
        if not isinstance(text_value, str):
            return ReadError(
                origin,
                record,
                f"text field {text_key!r} is not a string ({type(text_value).__name__})",
                excerpt(raw),
            )
        used.add(text_key)
        problem = self.check_text(text_value, origin, record, raw)
        if problem is not None:
            return problem

        def pick(candidates: tuple[str, ...]) -> str | None:
            for key in candidates:
                if key in obj:
                    value = _scalar_to_str(obj[key])
                    if value is not None and value != "":
                        used.add(key)
                        return value
            return None

        values = {name: pick(getattr(fm, name)) for name in ("id", "title", "url", "published", "source")}
        extra: dict[str, str] = {}
        for key, value in obj.items():
            if not isinstance(key, str) or key in used:
                continue
            as_str = _scalar_to_str(value)
            if as_str is not None:
                extra[key] = as_str
        return RawRecord(
            text=text_value,
            origin_file=origin,
            origin_record=record,
            encoding=encoding,
            extra=extra,
            **values,
        )
