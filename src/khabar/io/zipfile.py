"""Zip archives (e.g. SaudiNewsNet's one zip per day, holding a JSON array): each member is read by the
reader for its own extension; ``origin_file`` of a member's records is ``ARCHIVE!MEMBER``.

Which reader that is, the registry (:func:`khabar.io.registry.reader_for`) says: it builds the ZipReader and
hands it the lookup, since the registry lists this module's reader and importing it here would be a cycle.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from typing import BinaryIO

from khabar.io.base import (
    DEFAULT_MAX_CHARS,
    FieldMap,
    RawRecord,
    Reader,
    ReadError,
    seekable,
    wrap_decompress,
)

__all__ = ["MemberReader", "ZipReader", "member_origin"]

# (member name, field map, max chars) -> the reader for that member
MemberReader = Callable[[str, FieldMap | None, int], Reader]


def member_origin(archive: str, member: str) -> str:
    """How a zip member is named in records and errors."""
    return f"{archive}!{member}"


def _skip(name: str) -> bool:
    # Directory entries and macOS resource forks (__MACOSX/, ._name) are not content.
    base = name.rsplit("/", 1)[-1]
    return name.endswith("/") or name.startswith("__MACOSX/") or base.startswith("._") or not base


class ZipReader(Reader):
    """``.zip``: members in archive order; a broken member is a ReadError and the next member is read.

    ``member_reader`` gives each member's reader by its name (the registry's ``reader_for``; build a
    ZipReader with ``reader_for("a.zip")``)."""

    name = "zip"
    extensions = (".zip",)

    def __init__(
        self,
        field_map: FieldMap | None = None,
        max_chars: int = DEFAULT_MAX_CHARS,
        *,
        member_reader: MemberReader,
    ) -> None:
        super().__init__(field_map, max_chars)
        self.member_reader = member_reader

    def read_stream(self, stream: BinaryIO, origin: str) -> Iterator[RawRecord | ReadError]:
        # zip's directory is at the end: needs random access
        with seekable(stream) as source:
            yield from self._read_archive(source, origin)

    def _read_archive(self, stream: BinaryIO, origin: str) -> Iterator[RawRecord | ReadError]:
        try:
            archive = zipfile.ZipFile(stream)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            yield ReadError(origin, None, f"not a valid zip archive: {exc}")
            return
        with archive:
            for info in archive.infolist():
                if _skip(info.filename):
                    continue
                name = member_origin(origin, info.filename)
                reader = self.member_reader(info.filename, self.field_map, self.max_chars)
                try:
                    member = archive.open(info)
                except Exception as exc:  # encrypted, unsupported compression, bad header...
                    yield ReadError(name, None, f"cannot open zip member: {exc}")
                    continue
                with member:
                    yield from Reader.guard(reader.read_stream(wrap_decompress(member), name), name)
