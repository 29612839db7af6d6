"""The command line on the inputs users hit: odd names, odd text, odd outputs, bugs, quiet runs."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

import khabar
from khabar.cli import main
from tests.conftest import SEED_PATH

FAST = ["--no-entities", "--no-dates", "--no-numbers", "--no-quotes"]


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_bytes().decode("utf-8").splitlines()]


def _meta(rec: dict) -> dict[str, str]:
    return {m["key"]: m["value"] for m in rec["meta"]}


def test_lone_surrogate_in_json_input_is_repaired_written_and_restored(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    # before: UnicodeEncodeError traceback in JsonlWriter.write, exit 1, nothing written (the batch lost)
    src = tmp_path / "in.jsonl"
    src.write_text('{"id":"x","text":"نص \\ud800 هنا","author":"a\\udce9"}\n{"id":"y","text":"نص سليم"}\n')
    out = tmp_path / "out.jsonl"
    assert main(["process", str(src), "-o", str(out), *FAST]) == 0
    x, y = _lines(out)
    assert x["paragraphs"] == ["نص \ufffd هنا"] and y["paragraphs"] == ["نص سليم"]
    assert x["edits"][0]["reason"] == "lone-surrogate" and x["edits"][0]["old"] == "\\ud800"
    assert _meta(x)["author"] == "a\\udce9"
    restored = tmp_path / "r.jsonl"
    assert main(["restore", str(out), "-o", str(restored)]) == 0
    # the original text back exactly: the JSON escape reads back as the lone surrogate
    assert _lines(restored) == [{"id": "x", "text": "نص \ud800 هنا"}, {"id": "y", "text": "نص سليم"}]
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("ext", ["jsonl", "parquet"])
def test_non_utf8_file_name_is_written_as_escaped_text(tmp_path: Path, ext: str) -> None:
    # before: UnicodeEncodeError ('\udce9') from the JSON writer and from pyarrow: a traceback, the batch lost
    d = tmp_path / "in"
    d.mkdir()
    with open(os.path.join(os.fsencode(d), b"\xe9.txt"), "wb") as f:
        f.write(SEED_PATH.read_bytes())
    with open(os.path.join(os.fsencode(d), b"\xff.txt"), "wb"):  # a bad record (empty) with a bad name
        pass
    (d / "b.txt").write_text("نص آخر سليم", encoding="utf-8")
    out = tmp_path / f"out.{ext}"
    assert main(["process", str(d), "-o", str(out), *FAST, "-q"]) == 1
    origins = sorted(_meta(a.to_dict())["origin"] for a in khabar.api.read_articles(str(out)))
    assert origins == [f"{d}/\\xe9.txt:1", f"{d}/b.txt:1"]
    (err,) = _lines(tmp_path / "out.errors.jsonl")
    assert err["file"] == f"{d}/\\xff.txt" and err["reason"] == "empty file"


def test_brackets_in_names_are_shown_as_they_are(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    # before: rich read "[/bold]" in a zip member name as markup: MarkupError traceback
    z = tmp_path / "a[1].zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("[/bold]x[red].txt", "")
        zf.writestr("ok.txt", "نص سليم")
    assert main(["process", str(z), "-o", str(tmp_path / "o.jsonl"), *FAST]) == 1
    err = capsys.readouterr().err
    assert f"{z}!" in err and "[/bold]x[red].txt: empty file" in err
    assert "Traceback" not in err


def test_internal_error_exits_70_with_a_short_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    # before: the traceback escaped main(), exit status 1 (the same as "some records failed")
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("khabar.cli.process", boom)
    monkeypatch.delenv("KHABAR_DEBUG", raising=False)
    assert main(["process", str(SEED_PATH), "-q"]) == 70
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "khabar: internal error: RuntimeError: a bug",
        "khabar: this is a bug; rerun with --debug (or KHABAR_DEBUG=1) for the traceback",
    ]
    assert main(["--debug", "process", str(SEED_PATH), "-q"]) == 70
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):") and "RuntimeError: a bug" in err


def test_exit_codes_are_in_the_help(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "70 internal error" in capsys.readouterr().out.replace("\n", " ")


def test_unknown_output_extension_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    # before: out.txt silently got JSON Lines
    with pytest.raises(SystemExit) as exc:
        main(["process", str(SEED_PATH), "-o", str(tmp_path / "out.txt")])
    assert exc.value.code == 2
    assert "out.txt: unknown output extension" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("output", ["-", "/dev/null", None])
def test_stdout_or_dev_null_leaves_no_errors_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, output: str | None
) -> None:
    # before: khabar-errors.jsonl (stdout) or /dev/null.errors.jsonl → PermissionError/khabar-errors
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.txt").write_bytes(b"")
    args = ["process", str(SEED_PATH), "empty.txt", *FAST] + (["-o", output] if output else [])
    assert main(args) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.txt"]
    err = capsys.readouterr().err
    assert "empty.txt: empty file" in err and "bad records written to" not in err


def test_errors_flag_still_writes_the_errors_file_with_stdout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.txt").write_bytes(b"")
    assert main(["process", "empty.txt", "--errors", "bad.jsonl", *FAST]) == 1
    assert [e["reason"] for e in _lines(tmp_path / "bad.jsonl")] == ["empty file"]


def test_quiet_clean_run_writes_nothing_to_stderr(tmp_path: Path, capfd: pytest.CaptureFixture) -> None:
    assert main(["process", str(SEED_PATH), "-o", str(tmp_path / "o.jsonl"), "-q", "--progress"]) == 0
    assert capfd.readouterr().err == ""


def test_quiet_run_with_an_errors_file_keeps_stderr_empty(
    tmp_path: Path, capfd: pytest.CaptureFixture
) -> None:
    # before: -q still printed every bad record; they are in the errors file
    (tmp_path / "empty.txt").write_bytes(b"")
    assert main(["process", str(tmp_path / "empty.txt"), "-o", str(tmp_path / "o.jsonl"), "-q"]) == 1
    assert capfd.readouterr().err == ""
    assert len(_lines(tmp_path / "o.errors.jsonl")) == 1


def test_progress_without_a_terminal_prints_plain_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    # before: --progress drew nothing readable when stderr was a file or pipe
    out = tmp_path / "o.jsonl"
    assert (
        main(["process", str(SEED_PATH), "-o", str(out), *FAST, "--progress", "--progress-every", "0"]) == 0
    )
    lines = [x for x in capsys.readouterr().err.splitlines() if x.startswith("khabar: refining")]
    assert lines and lines[-1].startswith("khabar: refining 1 records,")


def _two_copies(tmp_path: Path) -> list[str]:
    paths = [tmp_path / "a.txt", tmp_path / "b.txt"]
    for p in paths:
        p.write_bytes(SEED_PATH.read_bytes())
    return [str(p) for p in paths]


def test_dedup_shows_progress(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    # before: khabar dedup had no --progress and showed nothing while it read
    out = tmp_path / "d.jsonl"
    args = ["dedup", *_two_copies(tmp_path), "-o", str(out), *FAST, "--progress", "--progress-every", "0"]
    assert main(args) == 0
    lines = [x for x in capsys.readouterr().err.splitlines() if x.startswith("khabar: reading")]
    assert lines and lines[-1].startswith("khabar: reading 2 records,")
    assert [r["duplicate"] and r["duplicate"]["kind"] for r in _lines(out)] == [None, "exact"]


def test_counts_are_integers_in_records_and_the_dedup_report(tmp_path: Path) -> None:
    out, report = tmp_path / "d.jsonl", tmp_path / "r.json"
    assert main(["dedup", *_two_copies(tmp_path), "-o", str(out), "--report", str(report), *FAST, "-q"]) == 0
    stats = _lines(out)[0]["stats"]
    assert (stats["before"]["lines"], stats["after"]["paragraphs"]) == (21, 11)
    assert all(type(stats[k][n]) is int for k in ("before", "after") for n in ("lines", "paragraphs"))
    per_source = json.loads(report.read_text())["per_source"]
    assert per_source == {"?": {"articles": 2, "copies": 1, "exact": 1, "copy_rate": 0.5}}
    assert type(per_source["?"]["articles"]) is int
