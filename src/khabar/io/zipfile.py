"""Zip archives (e.g. SaudiNewsNet's one zip per day, holding a JSON array): each member is read by the
reader for its own extension; ``origin_file`` of a member's records is ``ARCHIVE!MEMBER``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import BinaryIO

from khabar.io.base import RawRecord, Reader, ReadError, seekable, wrap_decompress

__all__ = ["ZipReader", "member_origin"]


def member_origin(archive: str, member: str) -> str:
    """How a zip member is named in records and errors."""
    return f"{archive}!{member}"


def _skip(name: str) -> bool:
    # Directory entries and macOS resource forks (__MACOSX/, ._name) are not content.
    base = name.rsplit("/", 1)[-1]
    return name.endswith("/") or name.startswith("__MACOSX/") or base.startswith("._") or not base


class ZipReader(Reader):
    """``.zip``: members in archive order; a broken member is a ReadError and the next member is read."""

    name = "zip"
    extensions = (".zip",)

    def read_stream(self, stream: BinaryIO, origin: str) -> Iterator[RawRecord | ReadError]:
        # zip's directory is at the end: needs random access
        with seekable(stream) as source:
            yield from self._read_archive(source, origin)

    def _read_archive(self, stream: BinaryIO, origin: str) -> Iterator[RawRecord | ReadError]:
        from khabar.io.discover import reader_for  # local: discover imports this module

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
                reader = reader_for(info.filename, self.field_map, self.max_chars)
                try:
                    member = archive.open(info)
                except Exception as exc:  # encrypted, unsupported compression, bad header...
                    yield ReadError(name, None, f"cannot open zip member: {exc}")
                    continue
                with member:
                    yield from Reader.guard(reader.read_stream(wrap_decompress(member), name), name)
