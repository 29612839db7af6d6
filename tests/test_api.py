"""The batched refine path (``RefineRecord.batch``, the runner's ``StageChain``) behind ``khabar process``."""

from __future__ import annotations

from dataclasses import replace

import pytest

from khabar.api import RefineRecord
from khabar.engine.local import ordered_map_batches
from khabar.io.base import RawRecord, ReadError
from khabar.stages.runner import Failed
from tests.stages.failing import numbers_fail_on


def _records(seed_text: str) -> list[RawRecord | ReadError]:
    lines = [line for line in seed_text.splitlines() if line.strip()]
    recs: list[RawRecord | ReadError] = [
        RawRecord(text="\n".join(lines[i : i + 3]), origin_file="a.jsonl", origin_record=i + 1)
        for i in range(0, len(lines), 3)
    ]
    recs.insert(2, ReadError("a.jsonl", 99, "broken JSON"))
    recs.append(RawRecord(text=seed_text, origin_file="seed.txt", origin_record=1, published="2025-06-16"))
    return recs


def test_batch_equals_one_record_at_a_time(seed_text: str) -> None:
    recs = _records(seed_text)
    job = RefineRecord(published_default="2025-06-16")
    one_by_one = [job(r) for r in recs]
    assert job.batch(recs) == one_by_one
    assert list(ordered_map_batches(job.batch, recs, batch_size=3)) == one_by_one
    assert any(a.entities for a in one_by_one if not isinstance(a, ReadError))
    assert isinstance(one_by_one[2], ReadError)


def test_a_failing_article_fails_alone(seed_text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    recs = [r for r in _records(seed_text) if isinstance(r, RawRecord)]
    bad = replace(recs[1], text=recs[1].text + "\nBOOM")
    numbers_fail_on(monkeypatch, "BOOM")
    out = RefineRecord().batch([recs[0], bad, recs[2]])
    assert isinstance(out[1], Failed) and "boom" in out[1].reason and out[1].record == bad.origin_record
    assert out[1].raw == bad.text
    assert out[0] == RefineRecord()(recs[0]) and out[2] == RefineRecord()(recs[2])


def test_refine_many_equals_refine_in_order(seed_text: str) -> None:
    import khabar

    lines = [line for line in seed_text.splitlines() if line.strip()]
    items: list = [
        {"text": "\n".join(lines[i : i + 2]), "published": "2025-06-16"} for i in range(0, len(lines), 2)
    ]
    items.append(seed_text)
    expected = [
        khabar.refine(i["text"], published=i["published"]) if isinstance(i, dict) else khabar.refine(i)
        for i in items
    ]
    assert list(khabar.refine_many(items, batch_size=3)) == expected
    assert list(khabar.refine_many(items, workers=2, batch_size=4)) == expected
