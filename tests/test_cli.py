"""The command line end to end: outputs, the errors file, exit codes, restore and show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import khabar
from khabar.cli import main
from tests.conftest import SEED_PATH


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_process_seed_to_jsonl_and_restore(
    tmp_path: Path, seed_text: str, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["process", str(SEED_PATH), "-o", str(out)]) == 0
    (rec,) = _records(out)
    assert rec == json.loads(
        khabar.refine(seed_text, meta={"origin": f"{SEED_PATH}:1", "encoding": "utf-8"}).to_json()
    )
    assert rec["dateline"]["place_en"] == "Astana" and len(rec["paragraphs"]) == 11
    err = capsys.readouterr().err
    assert "read 1  written 1  repaired 1" in err and "datelines 1  errors 0" in err

    restored = tmp_path / "restored.jsonl"
    assert main(["restore", str(out), "-o", str(restored)]) == 0
    assert _records(restored) == [{"id": rec["id"], "text": seed_text}]


def test_process_to_parquet_equals_jsonl(tmp_path: Path) -> None:
    from khabar.api import read_articles

    assert main(["process", str(SEED_PATH), "-o", str(tmp_path / "a.parquet"), "-q"]) == 0
    assert main(["process", str(SEED_PATH), "-o", str(tmp_path / "a.jsonl"), "-q"]) == 0
    assert list(read_articles(str(tmp_path / "a.parquet"))) == list(read_articles(str(tmp_path / "a.jsonl")))


def test_bad_records_are_reported_written_and_the_run_goes_on(
    tmp_path: Path, seed_text: str, capsys: pytest.CaptureFixture
) -> None:
    good = {"id": "a1", "text": seed_text, "source": "afp"}
    lines = [json.dumps(good, ensure_ascii=False), '{"id": "a2", "text": "broken', json.dumps({"id": "a3"})]
    lines.append(json.dumps({"id": "a4", "text": "قال الوزير اليوم إن الاجتماع ناجح."}, ensure_ascii=False))
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "legacy.txt").write_bytes("الرياض - واس: افتتح أمير المنطقة المعرض اليوم.".encode("cp1256"))
    out, errors = tmp_path / "out.jsonl", tmp_path / "bad.jsonl"

    code = main(
        [
            "process",
            str(tmp_path / "*.*txt"),
            str(tmp_path / "in.jsonl"),
            "-o",
            str(out),
            "--errors",
            str(errors),
        ]
    )
    assert code == 1
    ids = [r["id"] for r in _records(out)]
    assert "a1" in ids and "a4" in ids and len(ids) == 3  # a1, a4 and legacy.txt
    legacy = next(
        r
        for r in _records(out)
        if {m["key"]: m["value"] for m in r["meta"]}.get("encoding") not in (None, "utf-8")
    )
    assert legacy["paragraphs"] == ["افتتح أمير المنطقة المعرض اليوم."]
    assert legacy["dateline"]["agency"] == "SPA"
    bad = _records(errors)
    where = {(Path(b["file"]).name, b["record"]) for b in bad}
    assert where == {("in.jsonl", 2), ("in.jsonl", 3), ("binary.txt", None), ("empty.txt", None)}
    assert all(b["reason"] for b in bad)
    err = capsys.readouterr().err
    assert "in.jsonl:2" in err and "errors 4" in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["process"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2


def test_show_prints_dateline_paragraphs_and_removals(capsys: pytest.CaptureFixture) -> None:
    assert main(["show", str(SEED_PATH)]) == 0
    out = capsys.readouterr().out
    assert "Astana, KZ" in out and "Agence France-Presse" in out
    assert "removed (11)" in out and out.count("repeats paragraph") == 10
    assert "وتسارعت هذه الخطوة منذ غزو روسيا لأوكرانيا في فبراير 2022." in out


def test_restore_of_a_non_record_file_fails_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    p = tmp_path / "x.jsonl"
    p.write_text('{"text": "hello"}\n', encoding="utf-8")
    assert main(["restore", str(p)]) == 1
    assert f"{p}:1: bad record: not a khabar record (needs id and paragraphs)" in capsys.readouterr().err


def test_field_mapping_flags(tmp_path: Path, seed_text: str) -> None:
    import csv

    src = tmp_path / "feed.csv"
    with src.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["guid", "body", "headline", "when"])
        w.writerow(["x-1", seed_text, "شي يصل إلى كازاخستان", "2025-06-16 08:00:00"])
    out = tmp_path / "out.jsonl"
    args = ["process", str(src), "-o", str(out), "-q", "--id-field", "guid", "--text-field", "body"]
    args += ["--title-field", "headline", "--published-field", "when"]
    assert main(args) == 0
    (rec,) = _records(out)
    assert (rec["id"], rec["title"], rec["published"]) == (
        "x-1",
        "شي يصل إلى كازاخستان",
        "2025-06-16T08:00:00",
    )
    assert len(rec["paragraphs"]) == 11


def test_process_enrichment_flags(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert (
        main(["process", str(SEED_PATH), "-o", str(out), "-q", "--published", "2025-06-16", "--no-quotes"])
        == 0
    )
    (rec,) = _records(out)
    assert {d["text"]: d["value"] for d in rec["dates"]}["غداً"] == "2025-06-17"
    assert rec["entities"] and rec["numbers"] and rec["quotes"] == []
    assert (
        main(
            [
                "process",
                str(SEED_PATH),
                "-o",
                str(out),
                "-q",
                *(f"--no-{s}" for s in ("entities", "dates", "numbers", "quotes")),
            ]
        )
        == 0
    )
    (bare,) = _records(out)
    assert bare["entities"] == bare["dates"] == bare["numbers"] == bare["quotes"] == []
    with pytest.raises(SystemExit) as exc:
        main(["process", str(SEED_PATH), "--published", "16/06/2025"])
    assert exc.value.code == 2


def test_output_is_byte_identical_whatever_the_workers(tmp_path: Path, seed_text: str) -> None:
    lines = [
        json.dumps(
            {
                "id": f"a{i}",
                "text": seed_text if i % 2 else f"خبر رقم {i}: قال الوزير اليوم إن الاجتماع ناجح.",
            },
            ensure_ascii=False,
        )
        for i in range(12)
    ]
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}.jsonl"
        assert main(["process", str(tmp_path / "in.jsonl"), "-o", str(out), "-q", "--workers", workers]) == 0
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] and outs[0].count(b"\n") == 12
