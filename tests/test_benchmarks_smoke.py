"""Smoke tests: benchmarks/refine.py and benchmarks/engine.py run end to end on a tiny SaudiNewsNet-shaped
folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "benchmarks" / "refine.py"
SEED = REPO / "examples" / "000_33b316c23a9f7167.txt"


def _bench(script: Path, *args: str, shared: Path, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    """Run a benchmark script with ``shared`` as KHABAR_SHARED."""
    env = {**os.environ, "KHABAR_SHARED": str(shared)}
    return subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, env=env, timeout=timeout
    )


def _article(source: str, n: int, content: str, title: str, author: str = "") -> dict[str, str]:
    return {
        "source": source,
        "url": f"http://example.com/{source}/{n}",
        "date_extracted": "2015-07-21 02:51:32",
        "title": title,
        "author": author,
        "content": content,
    }


def _make_shared(root: Path) -> Path:
    data = root / "data" / "saudinewsnet"
    data.mkdir(parents=True)
    articles = [
        # The seed: an AFP story scraped twice, with a dateline.
        _article("3alyoum", 1, SEED.read_text(encoding="utf-8"), "شي في كازاخستان"),
        _article(
            "sabq",
            2,
            "سبق -أبها: شرعت لجنة تقييم الأعمال المشاركة في المسابقة في تحكيم الأعمال.\n\n"
            "وقالت اللجنة إن النتائج ستعلن الأسبوع المقبل في حفل ختامي.",
            "لجنة التحكيم تبدأ أعمالها",
        ),
        _article(
            "alriyadh",
            3,
            "تفقد نائب وزير الصحة عدداً من مستشفيات منطقة نجران.\n\n"
            "وأكد أهمية تطوير الخدمات الصحية المقدمة للمواطنين والمقيمين.\n\n"
            "وأكد أهمية تطوير الخدمات الصحية المقدمة للمواطنين والمقيمين.",
            "نائب وزير الصحة يتفقد مستشفيات نجران",
            "نجران - واس",
        ),
        _article("okaz", 4, "", "خبر فارغ"),  # empty body: a reader error, counted apart
    ]
    with zipfile.ZipFile(data / "2015-07-21.zip", "w") as z:
        z.writestr("2015-07-21.json", json.dumps(articles, ensure_ascii=False))
    return root


def test_refine_benchmark_runs(tmp_path: Path) -> None:
    shared = _make_shared(tmp_path / "shared")
    report = tmp_path / "refine.md"
    done = _bench(SCRIPT, "--limit", "50", "--skip-datatrove", "--out", str(report), shared=shared)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "articles/s (1 worker)" in out
    assert "Datelines per outlet" in out
    assert "| outlet | articles | with dateline |" in out
    assert "restore byte-exact: 3 / 3" in out
    text = report.read_text(encoding="utf-8")
    assert "## Datelines" in text and "## Restore" in text


def test_refine_benchmark_without_data(tmp_path: Path) -> None:
    done = _bench(SCRIPT, "--limit", "5", "--skip-datatrove", shared=tmp_path / "nowhere", timeout=60)
    assert done.returncode == 0
    assert "SaudiNewsNet not found" in done.stdout


ENGINE_SCRIPT = REPO / "benchmarks" / "engine.py"


def test_engine_benchmark_runs(tmp_path: Path) -> None:
    """The executors side by side on the tiny folder (without Ray: it takes seconds to start): each row
    writes the same 3 articles and 1 read error, and the report says how to reproduce it."""
    shared = _make_shared(tmp_path / "shared")
    report = tmp_path / "engine.md"
    done = _bench(
        ENGINE_SCRIPT, "--limit", "10", "--no-ray", "--out", str(report), "--note", "smoke", shared=shared
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "3 SaudiNewsNet articles through each executor" in out
    assert "| executor | workers | start-up s | wall s | articles/s |" in out
    for row in ("| in-process | 1 | — |", "| local (1 spawned process) | 1 | — |", "| local | 2 | — |"):
        assert row in out
    assert out.count("| yes |") == 3
    assert "outputs byte-identical: yes (3 runs)" in out
    assert "local 1 -> 2 workers (in-process -> 2 processes" in out
    assert "ray / local at 2 workers: not measured (no Ray rows)" in out
    assert "ray: skipped (--no-ray)" in out
    assert done.stderr.count(" s, 3 written, 1 errors") == 3  # the read error reached every errors file
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# khabar executors")
    assert f"Reproduce: `.venv/bin/python benchmarks/engine.py --limit 10 --no-ray --out {report}`" in text
    assert "**smoke**" in text
    assert "Every output and errors file is byte-identical to the in-process run (3 runs)." in text
    assert "## Goals" in text and "Ray rows: none (--no-ray)." in text


def test_engine_benchmark_without_data(tmp_path: Path) -> None:
    report = tmp_path / "engine.md"
    done = _bench(ENGINE_SCRIPT, "--no-ray", "--out", str(report), shared=tmp_path / "nowhere", timeout=60)
    assert done.returncode == 0
    assert "SaudiNewsNet not found" in done.stdout
    assert not report.exists()


SEARCH_SCRIPT = REPO / "benchmarks" / "search.py"
SCALE_SCRIPT = REPO / "benchmarks" / "store_scale.py"


def test_search_benchmark_runs(tmp_path: Path) -> None:
    """benchmarks/search.py ranks a two-query set over the tiny folder with every system but Snowball (whose
    venv would need the network); khabar's rows appear when khabar.store exists, else it says skipped."""
    shared = _make_shared(tmp_path / "shared")
    queries = tmp_path / "q.jsonl"
    rows = [
        {
            "qid": "k1",
            "kind": "known-item",
            "query": "مستشفيات نجران",
            "variant": "plain",
            "relevant": ["http://example.com/alriyadh/3"],
            "note": "smoke",
        },
        {
            "qid": "t1",
            "kind": "topic",
            "query": "لجنه التحكيم",
            "variant": "ta-marbuta",
            "relevant": ["http://example.com/sabq/2"],
            "note": "smoke",
        },
    ]
    queries.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    report = tmp_path / "search.md"
    done = _bench(
        SEARCH_SCRIPT,
        "--limit",
        "10",
        "--queries",
        str(queries),
        "--no-pystemmer",
        "--no-enrich",
        "--workers",
        "1",
        "--out",
        str(report),
        shared=shared,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    text = report.read_text(encoding="utf-8")
    assert "2 of 2 judged queries" in text
    for row in ("| FTS5 unicode61 |", "| Lucene normaliser + ArabicStemmer |"):
        assert row in text
    assert "## recall@100 per variant" in text
    assert "Snowball arabic (PyStemmer): skipped (--no-pystemmer)." in done.stdout
    assert "| khabar |" in text or "khabar: skipped" in done.stdout


def test_search_and_scale_benchmarks_without_data(tmp_path: Path) -> None:
    for script in (SEARCH_SCRIPT, SCALE_SCRIPT):
        done = _bench(script, "--out", str(tmp_path / "r.md"), shared=tmp_path / "nowhere", timeout=60)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "SaudiNewsNet not found" in done.stdout
    assert not (tmp_path / "r.md").exists()


def test_store_scale_benchmark_runs(tmp_path: Path) -> None:
    """benchmarks/store_scale.py at --n 2000 over a pool of the tiny folder's 3 articles."""
    import pytest

    pytest.importorskip("khabar.store")
    shared = _make_shared(tmp_path / "shared")
    report = tmp_path / "scale.md"
    done = _bench(
        SCALE_SCRIPT,
        "--n",
        "2000",
        "--pool",
        "10",
        "--workers",
        "1",
        "--out",
        str(report),
        shared=shared,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# khabar store at 2,000 synthetic articles")
    assert "| search p50" in text and "| DB size" in text
