"""Issue 8, item 6 (part): ``-`` reads what is piped in - khabar records (``process | dedup -``,
``show -``), CSV, zip and Parquet - and ``--input-format`` forces a format for files and stdin alike."""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from khabar.cli import main
from khabar.io import RawRecord, ReadError, read_paths
from khabar.io.records import is_records_file, iter_record_dicts
from tests.conftest import SEED_PATH

TEXT = "قال الوزير في بيان اليوم إن المحادثات مستمرة بين الطرفين"


def pipe(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def read_stdin(**kwargs: object) -> list[tuple[str, int | None, str]]:
    return [
        ("record", r.origin_record, r.id or r.text)
        if isinstance(r, RawRecord)
        else ("error", r.record, r.reason)
        for r in read_paths(["-"], **kwargs)  # type: ignore[arg-type]
    ]


@pytest.fixture(scope="module")
def seed_records(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    out = tmp_path_factory.mktemp("records") / "seed.jsonl"
    assert main(["process", str(SEED_PATH), "-o", str(out), "-q"]) == 0
    return out.read_bytes()


def test_khabar_records_on_stdin_are_recognised_and_read_whole(
    monkeypatch: pytest.MonkeyPatch, seed_records: bytes
) -> None:
    pipe(monkeypatch, seed_records)
    assert is_records_file("-")
    [record] = list(iter_record_dicts("-"))  # the peek left the bytes in place
    assert isinstance(record, dict) and record == json.loads(seed_records)


def test_dedup_of_records_piped_in(
    monkeypatch: pytest.MonkeyPatch, seed_records: bytes, tmp_path: Path
) -> None:
    pipe(monkeypatch, seed_records)
    out = tmp_path / "dedup.jsonl"
    assert main(["dedup", "-", "-o", str(out), "-q"]) == 0
    [deduped] = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    original = json.loads(seed_records)
    assert deduped["id"] == original["id"] and deduped["paragraphs"] == original["paragraphs"]
    assert deduped["duplicate"] is None


def test_show_of_a_record_piped_in(
    monkeypatch: pytest.MonkeyPatch, seed_records: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    pipe(monkeypatch, seed_records)
    assert main(["show", "-"]) == 0
    assert f"id {json.loads(seed_records)['id']}" in capsys.readouterr().out


def test_csv_on_stdin_is_read_as_csv(monkeypatch: pytest.MonkeyPatch) -> None:
    pipe(monkeypatch, f"id,text\n1,{TEXT}\n2,{TEXT}\n".encode())
    assert read_stdin() == [("record", 1, "1"), ("record", 2, "2")]
    pipe(monkeypatch, f"id\ttext\n7\t{TEXT}\n".encode())
    assert read_stdin() == [("record", 1, "7")]


def test_input_format_forces_csv_on_stdin_and_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # No text-named column: auto reads it as one text article; --input-format csv as a table.
    data = f"a,b\n1,{TEXT}\n".encode()
    pipe(monkeypatch, data)
    assert read_stdin() == [("record", 1, f"a,b\n1,{TEXT}\n")]
    pipe(monkeypatch, data)
    from khabar.io import FieldMap

    assert read_stdin(fmt="csv", field_map=FieldMap(id=("a",), text=("b",))) == [("record", 1, "1")]
    lines = tmp_path / "news.txt"
    lines.write_text(json.dumps({"id": "j", "text": TEXT}) + "\n", encoding="utf-8")
    [forced] = read_paths([str(lines)], fmt="jsonl")
    assert isinstance(forced, RawRecord) and (forced.id, forced.text) == ("j", TEXT)
    with pytest.raises(ValueError, match="unknown format"):
        list(read_paths([str(lines)], fmt="xml"))


def test_zip_and_parquet_on_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.jsonl", json.dumps({"id": "z1", "text": TEXT}) + "\n")
        z.writestr("b.txt", TEXT)
    pipe(monkeypatch, archive.getvalue())
    assert read_stdin() == [("record", 1, "z1"), ("record", 1, TEXT)]
    table = io.BytesIO()
    pq.write_table(pa.table({"id": ["p1", "p2"], "text": [TEXT, TEXT]}), table)
    pipe(monkeypatch, table.getvalue())
    assert read_stdin() == [("record", 1, "p1"), ("record", 2, "p2")]
    pipe(monkeypatch, b"PAR1 not really parquet")
    [(kind, record, reason)] = read_stdin()
    assert (kind, record) == ("error", None) and reason.startswith("not a valid Parquet file")


def test_cli_process_csv_from_stdin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pipe(monkeypatch, f"a,b\n1,{TEXT}\n".encode())
    out = tmp_path / "out.jsonl"
    args = [
        "process",
        "-",
        "-o",
        str(out),
        "-q",
        "--input-format",
        "csv",
        "--id-field",
        "a",
        "--text-field",
        "b",
    ]
    assert main(args) == 0
    [record] = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert (record["id"], record["paragraphs"]) == ("1", [TEXT])


def test_read_error_type_for_empty_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    pipe(monkeypatch, b"")
    assert [type(r) for r in read_paths(["-"])] == [ReadError]
