"""From user-given paths to a stream of records: files, directories, globs and ``-`` (stdin).

Which reader reads a file is decided by its extension after stripping compression suffixes
(``a.jsonl.gz`` -> JSON Lines), through :mod:`khabar.io.registry`. Files with an unknown or no extension
are **sniffed**: if the first non-blank character is ``{`` or ``[`` they are read as JSON (array, object or
JSON Lines), otherwise as one plain-text article. (``FORMATS``, ``READERS``, ``SniffReader`` and
``reader_for`` are re-exported from the registry for callers that import them from here.)
"""

from __future__ import annotations

import fnmatch
import glob
import os
from collections.abc import Iterator
from typing import BinaryIO

from khabar.io.base import (
    DEFAULT_MAX_CHARS,
    FieldMap,
    RawRecord,
    Reader,
    ReadError,
    describe_exception,
    format_suffix,
    sniff_stream,
    stdin_binary,
    wrap_decompress,
)
from khabar.io.jsonl import JsonLinesReader
from khabar.io.registry import FORMATS, READERS, SniffReader, first_char, reader_for

__all__ = [
    "FORMATS",
    "READERS",
    "STDIN",
    "SniffReader",
    "StdinReader",
    "iter_files",
    "read_paths",
    "reader_for",
]

STDIN = "-"
STDIN_ORIGIN = "<stdin>"


class StdinReader(Reader):
    """``-``: the format given (``fmt``), else sniffed from the content: a zip or Parquet file by its magic
    bytes, JSON Lines (streamed) if the first non-blank character is ``{``, a JSON array if ``[``, CSV/TSV
    if the first line is a header naming a text field (``id,text``), else one plain-text article.

    Zip and Parquet need random access: their readers spool stdin to an anonymous temporary file
    (:func:`~khabar.io.base.seekable`)."""

    name = "stdin"

    def __init__(
        self, field_map: FieldMap | None = None, max_chars: int = DEFAULT_MAX_CHARS, fmt: str = "auto"
    ) -> None:
        super().__init__(field_map, max_chars)
        self.fmt = fmt

    def read_stream(self, stream: BinaryIO, origin: str) -> Iterator[RawRecord | ReadError]:
        head, buffered = sniff_stream(stream)
        fmt = self.fmt if self.fmt != "auto" else self._sniff(head)
        if fmt == "jsonl":
            yield from JsonLinesReader(self.field_map, self.max_chars).read_lines(buffered, origin, head)
        else:
            yield from reader_for("", self.field_map, self.max_chars, fmt).read_stream(buffered, origin)

    def _sniff(self, head: bytes) -> str:
        if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
            return "zip"
        if head.startswith(b"PAR1"):
            return "parquet"
        first = first_char(head)
        if first == "{":
            return "jsonl"
        if first == "[":
            return "json"
        header = head.split(b"\n", 1)[0].decode("utf-8", errors="ignore").strip().lstrip("\ufeff")
        for delimiter, fmt in (("\t", "tsv"), (",", "csv")):
            names = [name.strip().strip('"').lower() for name in header.split(delimiter)]
            if len(names) >= 2 and any(name in names for name in self.field_map.text):
                return fmt
        return "txt"


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _file_name(item: str | ReadError) -> str:
    return item.file if isinstance(item, ReadError) else item


def _dir_id(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _walk(directory: str) -> list[str | ReadError]:
    """Readable files under ``directory``, recursively, sorted by path components; a subdirectory that
    cannot be listed is a ReadError in its place.

    Symlinked directories are followed, but a directory already visited (a symlink loop, or two links to
    one place) is not entered again. Hidden files/directories are skipped, and so are files whose
    extension is not a known format: a data directory's README.md or LICENSE is not an article. (Such a
    file named explicitly, or matched by a glob, is still read, by sniffing.)
    """
    found: list[str | ReadError] = []

    def unreadable(exc: OSError) -> None:
        found.append(
            ReadError(str(exc.filename or directory), None, f"cannot read directory: {exc.strerror}")
        )

    visited: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(directory, onerror=unreadable, followlinks=True):
        here = _dir_id(root)
        if here is not None:
            visited.add(here)
        keep = []
        for d in dirs:
            ident = _dir_id(os.path.join(root, d))
            if not _is_hidden(d) and ident not in visited:
                keep.append(d)
                if ident is not None:
                    visited.add(ident)
        dirs[:] = keep
        found.extend(
            os.path.join(root, f) for f in files if not _is_hidden(f) and format_suffix(f) in READERS
        )
    # Sort by components, not the joined string, so 'a/b' and 'a-c' order the same on every OS.
    return sorted(found, key=lambda p: os.path.relpath(_file_name(p), directory).split(os.sep))


def _glob(pattern: str) -> list[str | ReadError]:
    """``glob.glob(pattern, recursive=True)``, sorted, except that ``**`` never enters a directory twice
    (symlink loops are cut; glob itself follows them until the path is too long) and a directory that
    cannot be listed is a ReadError rather than silently no match."""
    errors: list[ReadError] = []

    def listing(base: str) -> list[os.DirEntry[str]]:
        try:
            with os.scandir(base or os.curdir) as it:
                return sorted(it, key=lambda e: e.name)
        except OSError as exc:
            errors.append(ReadError(base or os.curdir, None, f"cannot read directory: {exc.strerror}"))
            return []

    def below(base: str, visited: set[tuple[int, int]]) -> Iterator[tuple[str, bool]]:
        for entry in listing(base):
            if _is_hidden(entry.name):
                continue
            path = os.path.join(base, entry.name)
            is_dir = entry.is_dir()
            ident = _dir_id(path) if is_dir else None
            if is_dir and (ident is None or ident in visited):
                continue
            yield path, is_dir
            if is_dir and ident is not None:
                visited.add(ident)
                yield from below(path, visited)

    drive, rest = os.path.splitdrive(pattern)
    absolute = rest.startswith(os.sep)
    parts = [p for p in rest.split(os.sep) if p]
    current: list[tuple[str, bool]] = [(drive + (os.sep if absolute else ""), True)]
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        matched: list[tuple[str, bool]] = []
        for base, is_dir in current:
            if not is_dir:
                continue
            if part == "**":
                ident = _dir_id(base or os.curdir)
                matched.append((base, True))
                matched.extend(below(base, {ident} if ident else set()))
            elif glob.has_magic(part):  # type: ignore[attr-defined]
                for entry in listing(base):
                    if (_is_hidden(entry.name) and not part.startswith(".")) or not fnmatch.fnmatch(
                        entry.name, part
                    ):
                        continue
                    matched.append((os.path.join(base, entry.name), entry.is_dir()))
            else:
                path = os.path.join(base, part)
                if os.path.isdir(path) or (last and os.path.lexists(path)):
                    matched.append((path, os.path.isdir(path)))
        current = matched
    paths = {path for path, _ in current if path}
    return sorted([*paths, *errors], key=_file_name)


def iter_files(paths: list[str]) -> Iterator[str | ReadError]:
    """Expand ``paths`` (files, directories, globs, ``-``) into file paths, in a deterministic order.

    Order: arguments as given; each directory's files sorted by path; each glob's matches sorted.
    Directories yield only files of known formats (see :func:`_walk`). A file reached twice (a glob and a
    directory it also matches, symlinks to one file, the same argument twice) is read once.
    A missing path, a glob matching nothing or an unreadable directory yields a ReadError in place.
    """
    seen: set[tuple[int, int]] = set()

    def once(items: list[str | ReadError]) -> Iterator[str | ReadError]:
        for item in items:
            if isinstance(item, str) and os.path.isdir(item):
                yield from once(_walk(item))
                continue
            if isinstance(item, str):
                try:
                    st = os.stat(item)
                except OSError:
                    pass
                else:
                    if (st.st_dev, st.st_ino) in seen:
                        continue
                    seen.add((st.st_dev, st.st_ino))
            yield item

    for path in paths:
        if path == STDIN:
            yield STDIN
        elif os.path.exists(path):
            yield from once([path])
        elif glob.has_magic(path):  # type: ignore[attr-defined]
            matches = _glob(path)
            if not matches:
                yield ReadError(path, None, "no files match this pattern")
            yield from once(matches)
        else:
            yield ReadError(path, None, "no such file")


def read_paths(
    paths: list[str],
    field_map: FieldMap | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    fmt: str = "auto",
) -> Iterator[RawRecord | ReadError]:
    """Read every record from ``paths``; bad input becomes ReadErrors, never exceptions.

    ``fmt`` (one of :data:`FORMATS`) forces a format for files and stdin alike; ``auto`` decides by
    extension, and for ``-`` (stdin, possibly compressed) by content (see :class:`StdinReader`).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (one of: {', '.join(FORMATS)})")
    for item in iter_files(paths):
        if isinstance(item, ReadError):
            yield item
        elif item == STDIN:
            reader = StdinReader(field_map, max_chars, fmt)
            try:
                stream = wrap_decompress(stdin_binary())
            except Exception as exc:
                yield ReadError(STDIN_ORIGIN, None, f"cannot read stdin: {describe_exception(exc)}")
                continue
            # stdin is not closed: it belongs to the process.
            yield from Reader.guard(reader.read_stream(stream, STDIN_ORIGIN), STDIN_ORIGIN)
        else:
            yield from reader_for(item, field_map, max_chars, fmt).read(item)
