"""Deduplication on small hand-built corpora with exact expectations."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import khabar
from khabar.cli import main
from khabar.dedup.config import DedupConfig
from khabar.dedup.run import dedup_articles

LEAD_IN = (
    "عين اليوم – متابعات\n"
    "في خطوة تعكس تنامي اهتمام بكين بالمنطقة، وصلت طائرة الرئيس الصيني صباح اليوم إلى العاصمة الكازاخستانية "
    "وسط إجراءات أمنية مشددة واستقبال رسمي حافل، فيما تترقب عواصم المنطقة نتائج القمة التي يعول عليها "
    "كثيرون لدفع مشاريع الطاقة والنقل والبنية التحتية وتوسيع التبادل التجاري بين الجانبين خلال السنوات المقبلة "
    "وسط منافسة متصاعدة مع موسكو وواشنطن على النفوذ في آسيا الوسطى وثرواتها الكبيرة من النفط والغاز واليورانيوم."
)
UNRELATED = (
    "الرياض - واس: أعلنت الهيئة العامة للإحصاء اليوم ارتفاع معدل التضخم في المملكة خلال شهر يوليو الماضي "
    "بنسبة طفيفة مقارنة بالشهر الذي سبقه، مدفوعا بارتفاع أسعار السكن والمياه والكهرباء والغاز.\n"
    "وأوضحت الهيئة في تقريرها الشهري أن أسعار الأغذية والمشروبات سجلت تراجعا محدودا."
)


def _diacritise(text: str) -> str:
    # harakat after every third letter, tatweel in long words, hamza-less alef: same words, new bytes
    out = []
    for k, word in enumerate(text.split(" ")):
        if k % 3 == 0 and len(word) > 3:
            word = word[:2] + "\u064e" + word[2:]
        if k % 5 == 0 and len(word) > 5:
            word = word[:3] + "ـ" + word[3:]
        out.append(word.replace("أ", "ا"))
    return " ".join(out)


@pytest.fixture()
def corpus(seed_text: str) -> list[khabar.Article]:
    seed = khabar.refine(seed_text, id="seed", source="afp", published="2025-06-16T08:00:00")
    body = seed.text
    trimmed = "\n".join(seed.paragraphs[:8])
    return [
        khabar.refine(f"{LEAD_IN}\n{body}", id="leadin", source="3alyoum", published="2025-06-16T09:00:00"),
        khabar.refine(_diacritise(body), id="diacritised", source="okaz", published="2025-06-16T10:00:00"),
        seed,
        khabar.refine(trimmed, id="trimmed", source="alriyadh", published="2025-06-16T11:00:00"),
        khabar.refine(UNRELATED, id="unrelated", source="was", published="2025-06-16T07:00:00"),
    ]


def _annotations(articles: list[khabar.Article]) -> dict[str, tuple[str | None, str | None, float | None]]:
    return {
        a.id: (a.story, a.duplicate.of if a.duplicate else None, a.duplicate.kind if a.duplicate else None)
        for a in articles
    }


def test_exact_near_contained_and_unique(corpus: list[khabar.Article]) -> None:
    out = {a.id: a for a in dedup_articles(corpus)}
    assert out["seed"].story == "seed" and out["seed"].duplicate is None
    assert out["unrelated"].story == "unrelated" and out["unrelated"].duplicate is None
    d = out["diacritised"].duplicate
    assert d is not None and (d.of, d.kind, d.similarity) == ("seed", "exact", 1.0)
    lead = out["leadin"].duplicate
    assert lead is not None and (lead.of, lead.kind) == ("seed", "contained") and lead.similarity == 1.0
    trim = out["trimmed"].duplicate
    assert trim is not None and (trim.of, trim.kind) == ("seed", "contained") and trim.similarity == 1.0
    assert {a.story for a in out.values()} == {"seed", "unrelated"}


def test_near_duplicate_with_word_edits(seed_text: str) -> None:
    seed = khabar.refine(seed_text, id="a", published="2025-06-16")
    edited = seed.text.replace("اليوم", "الأحد", 1).replace("الرسمية", "الحكومية", 1)
    copy = khabar.refine(edited, id="b", published="2025-06-17")
    _, b = dedup_articles([seed, copy])
    assert b.duplicate is not None and (b.duplicate.of, b.duplicate.kind) == ("a", "near")
    assert 0.8 <= b.duplicate.similarity < 1.0


def test_below_threshold_is_never_merged(seed_text: str) -> None:
    seed = khabar.refine(seed_text, id="a")
    half = khabar.refine("\n".join(seed.paragraphs[:5]) + "\n" + UNRELATED, id="b")
    out = dedup_articles([seed, half], DedupConfig(containment=0.95))
    assert all(a.duplicate is None for a in out)


def test_shuffled_input_gives_the_same_stories(corpus: list[khabar.Article]) -> None:
    expected = _annotations(dedup_articles(corpus))
    for s in range(5):
        shuffled = corpus[:]
        random.Random(s).shuffle(shuffled)
        assert _annotations(dedup_articles(shuffled)) == expected


def test_canonical_is_earliest_then_longest_then_smallest_id(seed_text: str) -> None:
    a = khabar.refine(seed_text, id="b")
    b = khabar.refine(seed_text, id="a")
    out = dedup_articles([a, b])
    assert [x.story for x in out] == ["a", "a"]  # same date, same length: smallest id
    c = khabar.refine(seed_text, id="c", published="2020-01-01")
    assert {x.story for x in dedup_articles([a, b, c])} == {"c"}  # dated beats undated


def test_incremental_equals_batch(corpus: list[khabar.Article], tmp_path: Path) -> None:
    whole = _annotations(dedup_articles(corpus))
    first = dedup_articles(corpus[:2], index=str(tmp_path / "idx"))
    second = dedup_articles(corpus[2:], index=str(tmp_path / "idx"))
    assert {**_annotations(first), **_annotations(second)}.keys() == whole.keys()
    assert _annotations(second) == {k: whole[k] for k in ("seed", "trimmed", "unrelated")}


def test_cli_dedup_annotates_reports_and_drops(corpus: list[khabar.Article], tmp_path: Path) -> None:
    src = tmp_path / "records.jsonl"
    src.write_text("".join(a.to_json() + "\n" for a in corpus) + "not json\n", encoding="utf-8")
    out, report = tmp_path / "out.jsonl", tmp_path / "report.json"
    code = main(
        ["dedup", str(src), "-o", str(out), "--report", str(report), "-q", "--errors", str(tmp_path / "e")]
    )
    assert code == 1  # the bad line
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in recs] == [a.id for a in corpus]
    assert {r["id"]: r["story"] for r in recs}["trimmed"] == "seed"
    rep = json.loads(report.read_text(encoding="utf-8"))
    assert rep["duplicates"] == {"contained": 2, "exact": 1} and rep["stories"] == 2
    assert rep["story_sizes"] == {"1": 1, "4": 1}
    assert (tmp_path / "report.txt").read_text(encoding="utf-8").startswith("articles 5  stories 2")

    dropped = tmp_path / "canon.jsonl"
    assert (
        main(
            [
                "dedup",
                str(src),
                "-o",
                str(dropped),
                "--drop-duplicates",
                "-q",
                "--errors",
                str(tmp_path / "e2"),
            ]
        )
        == 1
    )
    assert [json.loads(x)["id"] for x in dropped.read_text(encoding="utf-8").splitlines()] == [
        "seed",
        "unrelated",
    ]


def test_report_plots_when_matplotlib_is_there(corpus: list[khabar.Article], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="matplotlib (the 'plots' extra) is not installed")
    src = tmp_path / "records.jsonl"
    src.write_text("".join(a.to_json() + "\n" for a in corpus), encoding="utf-8")
    report = tmp_path / "r.json"
    assert main(["dedup", str(src), "-o", str(tmp_path / "o.jsonl"), "--report", str(report), "-q"]) == 0
    for name in ("r-story-sizes.png", "r-copy-rate.png"):
        png = (tmp_path / name).read_bytes()
        assert png.startswith(b"\x89PNG") and len(png) > 1000


def test_mixed_raw_and_record_inputs_keep_their_order(
    corpus: list[khabar.Article], seed_text: str, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text(UNRELATED, encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(
        "".join(a.to_json() + "\n" for a in corpus) + "{broken\n", encoding="utf-8"
    )
    (tmp_path / "c.txt").write_text(seed_text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    errors = tmp_path / "errors.jsonl"
    paths = [str(tmp_path / n) for n in ("a.txt", "b.jsonl", "c.txt")]
    assert main(["dedup", *paths, "-o", str(out), "-q", "--errors", str(errors), "--workers", "2"]) == 1
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in recs[1:6]] == [a.id for a in corpus]
    assert recs[0]["duplicate"]["of"] == "unrelated" and recs[0]["duplicate"]["kind"] == "exact"
    assert recs[6]["story"] == "seed"  # the raw seed, refined, joins the seed's story
    (bad,) = [json.loads(x) for x in errors.read_text(encoding="utf-8").splitlines()]
    assert (Path(bad["file"]).name, bad["record"]) == ("b.jsonl", 6)
