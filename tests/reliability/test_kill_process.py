"""``khabar process`` killed with SIGKILL part way: what it leaves behind is never a corrupt record a
reader could take for a good one. JSON Lines ends at a whole record (each line is one system call);
Parquet only appears, under its name, once complete."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from khabar.io.records import read_articles

FAST = ["--no-entities", "--no-dates", "--no-numbers", "--no-quotes"]
N_RECORDS = 60_000


def _input(tmp_path: Path) -> Path:
    """Many small records, every 50th one bad (an empty text), so output and errors both grow."""
    src = tmp_path / "in.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for i in range(N_RECORDS):
            text = (
                "" if i % 50 == 0 else f"قال المتحدث إن الاجتماع رقم {i} انتهى باتفاق على خطة جديدة للتعاون."
            )
            f.write(json.dumps({"id": f"r{i}", "text": text}, ensure_ascii=False) + "\n")
    return src


def _run_and_kill(tmp_path: Path, out: Path, grown: Path, size: int) -> None:
    """Start ``khabar process``, SIGKILL it once ``grown`` holds more than ``size`` bytes, and wait."""
    cmd = [sys.executable, "-m", "khabar.cli", "process", str(_input(tmp_path)), "-o", str(out), *FAST, "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if grown.exists() and grown.stat().st_size > size:
                break
            time.sleep(0.01)
        assert proc.poll() is None, "khabar process ended before it could be killed: make the input larger"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def test_killed_jsonl_output_ends_at_a_whole_record(tmp_path: Path) -> None:
    # before: records went through an 8 KiB text buffer, so a kill left a line cut mid-record
    out, partial = tmp_path / "out.jsonl", tmp_path / "out.jsonl.partial"
    _run_and_kill(tmp_path, out, partial, 200_000)
    assert not out.exists()  # written to OUT.partial, renamed only when complete (issue 9, item 4)
    data = partial.read_bytes()
    assert data.endswith(b"\n")
    articles = list(read_articles(str(partial)))  # every line a valid record
    assert len(articles) == data.count(b"\n") > 100
    # the records are the input's, in order, with the bad ones (every 50th) left out
    assert [a.id for a in articles] == [f"r{i}" for i in range(N_RECORDS) if i % 50][: len(articles)]
    errors_path = tmp_path / "out.errors.jsonl"
    if errors_path.exists():  # the errors file: whole lines too, for the records before the last written
        errors = [json.loads(x) for x in errors_path.read_bytes().splitlines()]
        assert errors_path.read_bytes().endswith(b"\n")
        assert [e["record"] for e in errors] == [i * 50 + 1 for i in range(len(errors))]
        assert all(e["reason"] == "empty text" for e in errors)
        # written in input order: every bad record before the last record written is there
        assert len(errors) >= int(articles[-1].id[1:]) // 50 + 1


def test_killed_parquet_output_never_looks_complete(tmp_path: Path) -> None:
    # before: out.parquet existed without its footer: a file by the final name that no reader can open
    out = tmp_path / "out.parquet"
    partial = tmp_path / "out.parquet.partial"
    _run_and_kill(tmp_path, out, partial, 4)  # past the magic bytes: the first row group is in
    assert not out.exists()
    with pytest.raises(Exception, match=r"(?i)parquet"):
        pq.read_table(partial)


def test_an_uninterrupted_run_leaves_the_whole_output(tmp_path: Path) -> None:
    from khabar.cli import main

    src = tmp_path / "in.jsonl"
    src.write_text('{"id":"a","text":"نص أول"}\n{"id":"b","text":""}\n{"id":"c","text":"نص ثالث"}\n')
    assert main(["process", str(src), "-o", str(tmp_path / "o.parquet"), *FAST, "-q"]) == 1
    assert [a.id for a in read_articles(str(tmp_path / "o.parquet"))] == ["a", "c"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "o.errors.jsonl", "o.parquet"]
