"""Stages, their registry, the one runner and its per-stage stats (``--stats``)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

import khabar
from khabar.cli import main
from khabar.io.base import RawRecord, ReadError
from khabar.io.writers import JsonlWriter
from khabar.stages import OPTIONAL_STAGES, REGISTRY, build_stages
from khabar.stages.runner import ErrorReport, RefineError, run
from tests.conftest import SEED_PATH
from tests.stages.failing import numbers_fail_on

SRC = Path(khabar.__file__).parent


def _stage_counts(stats: dict) -> list[tuple[str, int, int, int]]:
    return [(s["name"], s["articles_in"], s["articles_out"], s["errors"]) for s in stats["stages"]]


@pytest.fixture
def numbers_fail_on_boom(monkeypatch: pytest.MonkeyPatch) -> None:
    numbers_fail_on(monkeypatch, "BOOM")


@pytest.mark.parametrize("command", ["process", "dedup"])
def test_the_no_flags_come_from_the_registry(command: str, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    flags = set(re.findall(r"--no-[a-z]+", capsys.readouterr().out))
    assert flags == {f"--no-{s.name}" for s in REGISTRY if s.optional}
    assert OPTIONAL_STAGES == ("entities", "dates", "numbers", "quotes")


def test_build_stages_in_registry_order() -> None:
    assert [s.name for s in build_stages()] == ["repair", "entities", "dates", "numbers", "quotes"]
    chosen = build_stages(("quotes", "dates"), "2025-06-16")
    assert [s.name for s in chosen] == ["repair", "dates", "quotes"]
    # without the entities stage, quotes still use the tagger but link no speaker to an entity
    assert chosen[1].published_default == "2025-06-16" and chosen[2].link_entities is False
    with pytest.raises(ValueError, match="unknown enrichment stage"):
        build_stages(("dates", "sentiment"))
    with pytest.raises(ValueError, match="always run"):
        build_stages(("repair",))


def test_run_writes_articles_reports_failures_and_counts_each_stage(
    tmp_path: Path, seed_text: str, numbers_fail_on_boom: None
) -> None:
    lines = [line for line in seed_text.splitlines() if line.strip()]
    recs: list[RawRecord | ReadError] = [
        RawRecord(text="\n".join(lines[i : i + 3]), origin_file="a.jsonl", origin_record=i + 1)
        for i in range(0, 9, 3)
    ]
    recs.insert(1, ReadError("a.jsonl", 2, "broken JSON", "{"))
    recs.append(RawRecord(text=lines[0] + "\nBOOM", origin_file="a.jsonl", origin_record=9))
    told: list[str] = []
    errors = ErrorReport(str(tmp_path / "errors.jsonl"), told.append)
    stats = run(recs, build_stages(), JsonlWriter(tmp_path / "out.jsonl"), errors=errors, batch_size=2)

    written = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    good = [r for r in recs if isinstance(r, RawRecord) and "BOOM" not in r.text]
    expected = [khabar.refine(r.text, meta={"origin": f"a.jsonl:{r.origin_record}"}) for r in good]
    assert written == [a.to_json() for a in expected]
    assert told == ["a.jsonl:2: broken JSON", "a.jsonl:9: refine failed: RuntimeError('boom')"]
    bad = [json.loads(line) for line in (tmp_path / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(b["record"], b["raw"]) for b in bad] == [(2, "{"), (9, lines[0] + "\nBOOM")]
    summary = stats.as_dict()
    assert (summary["read"], summary["written"], summary["errors"]) == (4, 3, 2)
    assert _stage_counts(summary) == [
        ("repair", 4, 4, 0),
        ("entities", 4, 4, 0),
        ("dates", 4, 4, 0),
        ("numbers", 4, 3, 1),
        ("quotes", 3, 3, 0),
    ]


def test_refine_many_raises_for_an_input_it_cannot_refine(seed_text: str, numbers_fail_on_boom: None) -> None:
    results = khabar.refine_many([seed_text, "BOOM"], batch_size=1)
    assert next(results) == khabar.refine(seed_text)
    with pytest.raises(RefineError, match="boom"):
        next(results)


def test_process_stats_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    stats = tmp_path / "stats.json"
    assert (
        main(
            ["process", str(SEED_PATH), "-o", str(tmp_path / "o.jsonl"), "--stats", str(stats), "--no-quotes"]
        )
        == 0
    )
    got = json.loads(stats.read_text(encoding="utf-8"))
    assert (got["read"], got["written"], got["errors"], got["datelines"]) == (1, 1, 0, 1)
    assert _stage_counts(got) == [(n, 1, 1, 0) for n in ("repair", "entities", "dates", "numbers")]
    assert all(s["seconds"] >= 0 for s in got["stages"])
    assert re.search(r"^stages: repair 1→1 [\d.]+ s; entities 1→1", capsys.readouterr().err, re.M)


def test_dedup_stats_file_has_map_reduce_annotate(tmp_path: Path, seed_text: str) -> None:
    rows = [
        {"id": "a", "text": seed_text},
        {"id": "b", "text": seed_text},
        {"id": "c", "text": "خبر آخر قصير."},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    stats = tmp_path / "stats.json"
    flags = ["--no-entities", "--no-dates", "--no-numbers", "--no-quotes", "-q"]
    assert main(["dedup", str(src), "-o", str(tmp_path / "o.jsonl"), "--stats", str(stats), *flags]) == 0
    got = json.loads(stats.read_text(encoding="utf-8"))
    assert (got["read"], got["written"], got["errors"]) == (3, 3, 0)
    assert _stage_counts(got) == [
        ("repair", 3, 3, 0),
        ("features", 3, 3, 0),
        ("clusters", 3, 2, 0),  # a and b are one story
        ("annotate", 3, 3, 0),
    ]


def test_dedup_writes_a_lone_surrogate_of_a_records_file_as_its_escape(tmp_path: Path) -> None:
    # before: _DictWriter wrote the record dict through a UTF-8 text stream: UnicodeEncodeError, exit 70
    records = tmp_path / "records.jsonl"
    assert main(["process", str(SEED_PATH), "-o", str(records), "-q", "--no-entities", "--no-quotes"]) == 0
    line = records.read_text(encoding="utf-8").replace('"title":null', '"title":"x\\ud800"')
    records.write_text(line, encoding="utf-8")
    out = tmp_path / "dedup.jsonl"
    assert main(["dedup", str(records), "-o", str(out), "-q"]) == 0
    (rec,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert rec["title"] == "x\ud800" and b'"title":"x\\ud800"' in out.read_bytes()


@pytest.mark.parametrize("module", ["dedup/run.py", "api.py", "cli.py", "stages/runner.py"])
def test_no_private_names_of_other_modules_and_dedup_not_above_itself(module: str) -> None:
    tree = ast.parse((SRC / module).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("khabar"):
            private = [a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
            assert not private, (module, node.module)
            if module.startswith("dedup/"):
                assert node.module not in ("khabar.api", "khabar.cli"), node.module
