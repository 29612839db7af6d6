"""Plain-text reader: one article per file, the text being the whole decoded file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from khabar.io.base import RawRecord, Reader, ReadError, excerpt
from khabar.io.encoding import DecodeError, decode_bytes

__all__ = ["TxtReader"]

_DRAIN = 1 << 20


class TxtReader(Reader):
    """``.txt``: the whole file is one record (``origin_record`` 1); no other fields are known."""

    name = "txt"
    extensions = (".txt",)

    def read_stream(self, stream: BinaryIO, origin: str) -> Iterator[RawRecord | ReadError]:
        # Every supported encoding spends at most 4 bytes per character, so more than 4*max_chars bytes
        # cannot fit the limit: stop reading there instead of loading a multi-GB file into memory.
        byte_limit = 4 * self.max_chars + 4
        data = stream.read(byte_limit + 1)
        if len(data) > byte_limit:
            total = len(data)
            while chunk := stream.read(_DRAIN):
                total += len(chunk)
            yield ReadError(
                origin,
                1,
                f"record too large: {total} bytes, more than {self.max_chars} characters "
                f"(limit {self.max_chars})",
                excerpt(data[:8000]),
            )
            return
        yield from self.decode_document(data, origin)

    def decode_document(self, data: bytes, origin: str) -> Iterator[RawRecord | ReadError]:
        """Decode a whole document's bytes into one record (shared with sniffed stdin/unknown files)."""
        try:
            text, encoding = decode_bytes(data)
        except DecodeError as exc:
            # The file as a whole is unreadable, so no record number.
            yield ReadError(origin, None, str(exc), excerpt(data[:8000]))
            return
        problem = self.check_text(text, origin, 1, text)
        if problem is not None:
            yield problem
            return
        yield RawRecord(text=text, origin_file=origin, origin_record=1, encoding=encoding)
