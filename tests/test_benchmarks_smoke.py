"""Smoke test: benchmarks/refine.py runs end to end on a tiny SaudiNewsNet-shaped folder."""

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
    env = {**os.environ, "KHABAR_SHARED": str(shared)}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--limit", "50", "--skip-datatrove", "--out", str(report)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "articles/s (1 worker)" in out
    assert "Datelines per outlet" in out
    assert "| outlet | articles | with dateline |" in out
    assert "restore byte-exact: 3 / 3" in out
    text = report.read_text(encoding="utf-8")
    assert "## Datelines" in text and "## Restore" in text


def test_refine_benchmark_without_data(tmp_path: Path) -> None:
    env = {**os.environ, "KHABAR_SHARED": str(tmp_path / "nowhere")}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--limit", "5", "--skip-datatrove"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0
    assert "SaudiNewsNet not found" in done.stdout
