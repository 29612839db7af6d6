"""``khabar index/search/export --db postgresql://...``: the commands the SQLite store has, on a server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from khabar.cli import main
from tests.conftest import SEED_PATH

psycopg = pytest.importorskip("psycopg")


@pytest.fixture
def records(tmp_path: Path) -> Path:
    out = tmp_path / "seed.jsonl"
    assert main(["process", str(SEED_PATH), "-o", str(out), "--published", "2025-06-16", "-q"]) == 0
    return out


def test_index_search_export_round_trip(
    tmp_path: Path, records: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", str(records), "--db", postgres_url]) == 0
    assert "indexed 1  errors 0  in store 1 articles" in capsys.readouterr().err
    assert main(["index", str(records), "--db", postgres_url, "-q"]) == 0  # again: an upsert, still one

    exported = tmp_path / "export.jsonl"
    assert main(["export", "--db", postgres_url, "-o", str(exported), "-q"]) == 0
    assert exported.read_bytes() == records.read_bytes()

    capsys.readouterr()
    assert (
        main(["search", "اسيا الوسطي", "--db", postgres_url, "--json", "--country", "KZ", "--agency", "AFP"])
        == 0
    )
    (hit,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    seed = json.loads(records.read_text(encoding="utf-8"))
    assert hit["id"] == seed["id"] and hit["para"] is not None
    start, end = hit["marks"][0]
    assert hit["snippet"][start:end] == "وآسيا"  # the display spelling, found from its variant

    assert main(["search", "توكاييف", "--db", postgres_url, "--from", "2025-06-17"]) == 0
    assert "0 matches" in capsys.readouterr().err


def test_usage_errors_exit_2(records: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "توكاييف", "--db", postgres_url]) == 2  # nothing indexed there yet
    assert "no khabar store here" in capsys.readouterr().err
    assert main(["index", str(records), "--db", postgres_url, "-q"]) == 0
    assert main(["search", '"توكاييف', "--db", postgres_url]) == 2
    assert "unbalanced quote" in capsys.readouterr().err
    assert main(["search", "توكاييف", "--db", postgres_url, "--from", "June"]) == 2
    assert "not an ISO date" in capsys.readouterr().err
    bad = "postgresql://khabar:hunter2@127.0.0.1:1/nowhere?connect_timeout=2"
    assert main(["search", "x", "--db", bad]) == 2
    err = capsys.readouterr().err
    assert "cannot connect" in err and "hunter2" not in err


def test_bad_record_goes_to_an_errors_file_named_without_the_url(
    records: Path, postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A URL is no path: the default errors file must not be "postgresql:/user:pw@host/db.errors.jsonl"
    # (folders made from the URL, the password in a file name).
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(records.read_bytes() + b'{"id": "broken"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["index", str(bad), "--db", postgres_url, "-q"]) == 1
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == ["bad.jsonl", "khabar-index.errors.jsonl", "seed.jsonl"]
    error = json.loads((tmp_path / "khabar-index.errors.jsonl").read_text(encoding="utf-8"))
    assert error["record"] == 2 and "broken" in error["raw"]
