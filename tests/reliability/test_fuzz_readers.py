"""Issue 8, item 9 (part): readers fed random bytes, and damaged versions of valid files, under every
extension khabar reads.

The contract, checked on each input:

* nothing raises: every item is a RawRecord or a ReadError, and a ReadError names the file read;
* never silently nothing: an input with content (any byte other than ASCII whitespace and a UTF-8 BOM,
  after decompression) yields at least one item - except a well-formed empty table: a JSON array ``[]``
  or a CSV/TSV with no line after its header, which hold no records to lose;
* the same bytes read twice give the same items (no hidden state or randomness).
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import zipfile
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import zstandard
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from khabar.io import RawRecord, ReadError, read_paths

FORMATS = (".txt", ".jsonl", ".json", ".csv", ".tsv", ".parquet", ".zip")
COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    ".gz": gzip.compress,
    ".bz2": bz2.compress,
    ".xz": lzma.compress,
    ".zst": lambda b: zstandard.ZstdCompressor().compress(b),
}
_BLANK = b" \t\r\n\x0b\x0c"
FUZZ = settings(
    max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
TEXT = "قال الوزير في بيان اليوم إن المحادثات مستمرة"


def _valid(fmt: str) -> bytes:
    rows = [{"id": "a", "text": TEXT}, {"id": "b", "text": TEXT + " ثانية"}]
    if fmt == ".txt":
        return TEXT.encode()
    if fmt == ".jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
    if fmt == ".json":
        return json.dumps(rows, ensure_ascii=False, indent=1).encode()
    if fmt in (".csv", ".tsv"):
        sep = "," if fmt == ".csv" else "\t"
        return ("".join(f"{r['id']}{sep}{r['text']}\n" for r in rows)).join([f"id{sep}text\n", ""]).encode()
    if fmt == ".parquet":
        out = io.BytesIO()
        pq.write_table(pa.Table.from_pylist(rows), out)
        return out.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.jsonl", _valid(".jsonl"))
        z.writestr("b.csv", _valid(".csv"))
    return out.getvalue()


def _has_content(data: bytes, fmt: str) -> bool:
    body = data.removeprefix(b"\xef\xbb\xbf").strip(_BLANK)
    if not body:
        return False
    if fmt == ".json" and body.startswith(b"[") and body[1:].strip(_BLANK) == b"]":
        return False
    # A CSV/TSV of one line is a header and no rows.
    return not (fmt in (".csv", ".tsv") and len([x for x in data.splitlines() if x.strip(_BLANK)]) <= 1)


def check(tmp_path: Path, name: str, data: bytes, plain: bytes, fmt: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    first = list(read_paths([str(path)]))
    for item in first:
        assert isinstance(item, RawRecord | ReadError), item
        origin = item.origin_file if isinstance(item, RawRecord) else item.file
        assert origin.startswith(str(path)), item
        if isinstance(item, RawRecord):
            assert item.origin_record >= 1 and item.text.strip()
        else:
            assert item.reason and "\n" not in item.reason
    if _has_content(plain, fmt):
        assert first, f"{name}: {len(plain)} bytes of content, no record and no error"
    assert list(read_paths([str(path)])) == first


def _mutate(data: bytes, cut: int, flips: list[tuple[int, int]]) -> bytes:
    out = bytearray(data[: max(1, len(data) - cut)] if cut else data)
    for at, value in flips:
        if out:
            out[at % len(out)] = value
    return bytes(out)


@FUZZ
@given(fmt=st.sampled_from(FORMATS), data=st.binary(max_size=300))
@example(fmt=".jsonl", data=b'["x"]\n{"text": "t"}\n')
@example(fmt=".csv", data=b'id,text\n1,"open\n2,b\n')
@example(fmt=".json", data=b"[" * 3000)
def test_random_bytes(tmp_path: Path, fmt: str, data: bytes) -> None:
    check(tmp_path, "x" + fmt, data, data, fmt)


@FUZZ
@given(
    fmt=st.sampled_from(FORMATS),
    cut=st.integers(0, 40),
    flips=st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 255)), max_size=4),
)
def test_damaged_valid_files(tmp_path: Path, fmt: str, cut: int, flips: list[tuple[int, int]]) -> None:
    data = _mutate(_valid(fmt), cut, flips)
    check(tmp_path, "x" + fmt, data, data, fmt)


@FUZZ
@given(
    fmt=st.sampled_from(FORMATS),
    comp=st.sampled_from(sorted(COMPRESSORS)),
    data=st.binary(max_size=200),
    compressed=st.booleans(),
    cut=st.integers(0, 12),
)
def test_compressed_and_mislabelled(
    tmp_path: Path, fmt: str, comp: str, data: bytes, compressed: bool, cut: int
) -> None:
    # Random content compressed (possibly truncated), or random bytes merely named .gz etc.
    plain = data
    payload = COMPRESSORS[comp](data) if compressed else data
    if compressed and cut:
        payload = payload[: max(1, len(payload) - cut)]
        plain = b"x"  # truncated compressed data must at least give an error
    check(tmp_path, "x" + fmt + comp, payload, plain, fmt)
