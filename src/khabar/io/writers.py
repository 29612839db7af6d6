"""Writers: khabar records as JSON Lines (stdout by default) or Parquet, and the errors file.

Compression follows the output's extension (``.gz``, ``.bz2``, ``.xz``, ``.zst``) for JSON Lines.

What a reader finds if a run is killed: a plain JSON Lines output (and the errors file) is written a
whole line per system call, so it holds complete records up to the last one written (at worst a last
line cut short, which is not valid JSON and is reported, never read as a record). ``open_writer``
writes a file output to ``OUT.partial`` and renames it to ``OUT`` when complete, so a file by the final
name is always a whole run (``khabar process --resume`` continues a plain JSON Lines ``OUT.partial``).
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import json
import lzma
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, BinaryIO, Protocol

import pyarrow as pa
import pyarrow.parquet as pq

from khabar.record import ARROW_SCHEMA, Article, to_arrow
from khabar.text.display import LONE_SURROGATE, path_text

COMPRESSED_SUFFIXES = (".gz", ".bz2", ".xz", ".zst")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
PARQUET_SUFFIX = ".parquet"

# An article a writer could not store, and why: the caller reports it and writes it to the errors file.
OnReject = Callable[[Article, str], None]


class OutputError(ValueError):
    """An output path khabar cannot write (an unknown extension): a usage error."""


class RecordWriter(Protocol):
    """A sink of a run (``khabar.stages.runner.run``): articles, or record dicts as read from a records
    file (``write_record``: JSON Lines keeps their keys as they are)."""

    def write(self, article: Article) -> None: ...
    def write_record(self, record: dict[str, Any]) -> None: ...
    def close(self) -> None: ...


def is_special_output(path: str | Path | None) -> bool:
    """Stdout, or an existing file that is not a regular file (``/dev/null``, a FIFO, a terminal): no
    errors file is made beside such an output."""
    if path is None or str(path) == "-":
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def default_errors_path(output: str | Path | None) -> str | None:
    """``OUT.errors.jsonl`` beside a file output; ``None`` (errors on stderr only) when the output is
    stdout or a special file such as ``/dev/null``, so no stray file is left in the working directory."""
    if output is None or is_special_output(output):
        return None
    return str(Path(output).with_suffix("")) + ".errors.jsonl"


def output_format(path: str | Path | None, fmt: str | None = None) -> str:
    """``"jsonl"`` or ``"parquet"`` for an output path, from ``fmt`` when given, else the extension.
    Raises OutputError for an extension khabar does not write (rather than writing JSON Lines into
    ``out.txt`` or ``out.csv`` unasked)."""
    if fmt is not None:
        if fmt not in ("jsonl", "parquet"):
            raise OutputError(f"unknown output format {fmt!r} (jsonl or parquet)")
        return fmt
    if is_special_output(path):
        return "jsonl"
    name = str(path).lower()
    if name.endswith(PARQUET_SUFFIX):
        return "parquet"
    for c in ("", *COMPRESSED_SUFFIXES):
        if name.endswith(c) and name.removesuffix(c).endswith(JSONL_SUFFIXES):
            return "jsonl"
    raise OutputError(
        f"{path_text(str(path))}: unknown output extension; use .jsonl (.ndjson, .json), optionally "
        f"with {', '.join(COMPRESSED_SUFFIXES)}, or .parquet"
    )


def json_line(obj: Any) -> bytes:
    """``obj`` as one line of UTF-8 JSON (non-ASCII kept as is). A lone surrogate, which UTF-8 cannot
    encode, is written as its JSON escape ``\\udXXX``: still valid JSON, read back by Python as the same
    string."""
    line = json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"
    return _utf8(line)


def _utf8(line: str) -> bytes:
    try:
        return line.encode("utf-8")
    except UnicodeEncodeError:  # only inside JSON strings, where the escape is valid
        return LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", line).encode("utf-8")


def open_text_out(path: str | Path) -> IO[str]:
    """A UTF-8 text stream to ``path`` (``-`` is stdout), compressed by its extension."""
    if str(path) == "-":
        return io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n", write_through=False)
    return io.TextIOWrapper(open_binary_out(path), encoding="utf-8", newline="\n")


def open_binary_out(path: str | Path, compress_as: str | Path | None = None) -> BinaryIO:
    """A binary stream to ``path``, compressed by its extension (or by ``compress_as``'s: the final
    name of a ``.partial`` file). A plain file is unbuffered, so each ``write`` of a whole line reaches
    the file in one system call."""
    p = Path(path)
    if not is_special_output(p):
        p.parent.mkdir(parents=True, exist_ok=True)
    suffix = Path(compress_as or p).suffix.lower()
    if suffix == ".gz":
        return gzip.open(p, "wb")  # type: ignore[return-value]
    if suffix == ".bz2":
        return bz2.open(p, "wb")  # type: ignore[return-value]
    if suffix == ".xz":
        return lzma.open(p, "wb")  # type: ignore[return-value]
    if suffix == ".zst":
        import zstandard

        return zstandard.ZstdCompressor().stream_writer(open(p, "wb"), closefd=True)  # type: ignore[return-value]
    return open(p, "wb", buffering=0)


def partial_path(path: str | Path) -> Path:
    """Where a file output is written until it is complete: ``OUT.partial``."""
    return Path(str(path) + ".partial")


def truncate_to(path: str | Path, size: int) -> None:
    """Cut ``path`` back to its first ``size`` bytes (a resumed run's last checkpoint), on disk."""
    with open(path, "r+b") as f:
        f.truncate(size)
        os.fsync(f.fileno())


class LineOut:
    """Whole lines of bytes to a path or stdout; ``bytes_written`` counts them. ``resume_at``: a plain
    file is cut back to that many bytes and appended to."""

    def __init__(
        self, path: str | Path, compress_as: str | Path | None = None, resume_at: int | None = None
    ) -> None:
        self._stdout = str(path) == "-"
        self.bytes_written = 0
        if resume_at is not None and not self._stdout:
            truncate_to(path, resume_at)
            self._out: BinaryIO = open(path, "ab", buffering=0)  # noqa: SIM115 (closed by close)
            self.bytes_written = resume_at
        else:
            self._out = sys.stdout.buffer if self._stdout else open_binary_out(path, compress_as)

    def write(self, line: bytes) -> None:
        self._out.write(line)
        self.bytes_written += len(line)

    def sync(self) -> None:
        """Flush to the disk: a checkpoint must not count bytes a crash could still lose."""
        if not self._stdout:
            self._out.flush()
            with contextlib.suppress(OSError, AttributeError, io.UnsupportedOperation):
                os.fsync(self._out.fileno())

    def close(self) -> None:
        if self._stdout:
            self._out.flush()  # sys.stdout stays open for the caller
        else:
            self._out.close()


class JsonlWriter:
    """One JSON object per line. ``atomic``: a file output is written to ``OUT.partial`` and renamed by
    ``close`` (``abort`` leaves it there, for ``--resume``); ``resume_at``: continue ``OUT.partial``
    from that byte (see ``LineOut``)."""

    def __init__(
        self,
        path: str | Path = "-",
        on_reject: OnReject | None = None,
        *,
        atomic: bool = False,
        resume_at: int | None = None,
    ) -> None:
        self.path = path
        self.partial = partial_path(path) if atomic and not is_special_output(path) else None
        self._out = LineOut(self.partial or path, compress_as=path, resume_at=resume_at)
        self._closed = False

    @property
    def bytes_written(self) -> int:
        return self._out.bytes_written

    def sync(self) -> None:
        self._out.sync()

    def write(self, article: Article) -> None:
        self._out.write(_utf8(article.to_json() + "\n"))

    def write_record(self, record: dict[str, Any]) -> None:
        self._out.write(json_line(record))

    def abort(self) -> None:
        """Close without completing: ``OUT.partial`` stays, ``OUT`` is not touched."""
        if not self._closed:
            self._closed = True
            self._out.close()

    def close(self) -> None:
        if self._closed:
            return
        self.abort()
        if self.partial is not None:
            os.replace(self.partial, self.path)


class ParquetWriter:
    """Parquet in khabar's Arrow schema, written in row groups of ``batch_size`` records to
    ``path.partial``, renamed to ``path`` by ``close``. A record that cannot be stored goes to
    ``on_reject`` (else the error is raised) and the rest of its batch is still written."""

    def __init__(self, path: str | Path, batch_size: int = 2048, on_reject: OnReject | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.partial = partial_path(self.path)
        self._writer = pq.ParquetWriter(str(self.partial), ARROW_SCHEMA, compression="zstd")
        self._batch: list[Article] = []
        self._batch_size = batch_size
        self._on_reject = on_reject

    def write(self, article: Article) -> None:
        self._batch.append(article)
        if len(self._batch) >= self._batch_size:
            self._flush()

    def write_record(self, record: dict[str, Any]) -> None:
        self.write(Article.from_dict(record))

    def _flush(self) -> None:
        if not self._batch:
            return
        batch, self._batch = self._batch, []
        try:
            table = to_arrow(batch)
        except (pa.ArrowException, ValueError, TypeError, OverflowError):
            # find the record at fault; the others are written
            good = []
            for a in batch:
                try:
                    to_arrow([a])
                except (pa.ArrowException, ValueError, TypeError, OverflowError) as exc:
                    if self._on_reject is None:
                        raise
                    self._on_reject(a, f"cannot be written to Parquet: {exc}")
                else:
                    good.append(a)
            table = to_arrow(good)
        self._writer.write_table(table)

    def close(self) -> None:
        try:
            self._flush()
        finally:
            self._writer.close()
            os.replace(self.partial, self.path)


def open_writer(
    path: str | Path | None,
    fmt: str | None = None,
    on_reject: OnReject | None = None,
    *,
    resume_at: int | None = None,
) -> RecordWriter:
    """The writer for ``path``: by ``fmt`` (``jsonl``/``parquet``) or the extension (``None``/``-``:
    JSON Lines on stdout). A file is written to ``OUT.partial`` and renamed when complete; ``resume_at``
    continues a JSON Lines ``OUT.partial`` from that byte. OutputError for an unknown extension."""
    if output_format(path, fmt) == "parquet":
        assert path is not None
        return ParquetWriter(path, on_reject=on_reject)
    return JsonlWriter(path or "-", on_reject=on_reject, atomic=True, resume_at=resume_at)


class ErrorWriter:
    """The errors file: one JSON object per bad record with its file, record number, reason and
    raw content, so that nothing is lost. The file is created only when a first error comes.
    With no path (output on stdout or ``/dev/null``), errors are only counted: the caller reports
    them on stderr. ``resume_at``: a resumed run's errors file is cut back to that many bytes (none:
    removed) and continued."""

    def __init__(self, path: str | Path | None, resume_at: int | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.count = 0
        self._out: LineOut | None = None
        if self.path is not None and resume_at is not None:
            if resume_at:
                self._out = LineOut(self.path, resume_at=resume_at)
            else:  # no error before the checkpoint: as if the file had never been made
                self.path.unlink(missing_ok=True)

    @property
    def bytes_written(self) -> int:
        return self._out.bytes_written if self._out is not None else 0

    def sync(self) -> None:
        if self._out is not None:
            self._out.sync()

    def write(self, file: str, record: int | None, reason: str, raw: str | None = None) -> None:
        self.count += 1
        if self.path is None:
            return
        if self._out is None:
            self._out = LineOut(self.path)
        entry: dict[str, Any] = {"file": path_text(file), "record": record, "reason": reason, "raw": raw}
        self._out.write(json_line(entry))

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
