"""Parquet reader (pyarrow), streamed by record batches; ``origin_record`` is the 1-based row number."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from khabar.io.base import RawRecord, Reader, ReadError, seekable

__all__ = ["ParquetReader"]

_BATCH_ROWS = 1024


class ParquetReader(Reader):
    """``.parquet``: every row is a record; string columns are UTF-8 by the Parquet spec."""

    name = "parquet"
    extensions = (".parquet",)

    def read_stream(self, stream: BinaryIO, origin: str) -> Iterator[RawRecord | ReadError]:
        # Parquet needs random access (the footer is at the end): a compressed or piped stream is spooled
        # to a temporary file first; a plain file is read in place.
        with seekable(stream) as source:
            yield from self._read_parquet(source, origin)

    def _read_parquet(self, source: Any, origin: str) -> Iterator[RawRecord | ReadError]:
        import pyarrow as pa  # local: pyarrow import is slow and only needed for Parquet
        import pyarrow.parquet as pq

        try:
            parquet = pq.ParquetFile(source)
        except (pa.ArrowException, OSError, ValueError) as exc:
            yield ReadError(origin, None, f"not a valid Parquet file: {exc}")
            return
        row_no = 0
        try:
            for batch in parquet.iter_batches(batch_size=_BATCH_ROWS):
                for row in batch.to_pylist():
                    row_no += 1
                    yield self.make_record(row, origin, row_no, "utf-8", lambda r=row: _row_excerpt(r))
        except (pa.ArrowException, OSError, ValueError) as exc:
            yield ReadError(origin, None, f"corrupt Parquet data after row {row_no}: {exc}")


def _row_excerpt(row: dict[str, Any]) -> str:
    # Cut long values first, so a 10 MB text column is never serialised just for an error excerpt.
    short = {k: (v[:500] if isinstance(v, str) else v) for k, v in row.items()}
    return json.dumps(short, ensure_ascii=False, default=str)
