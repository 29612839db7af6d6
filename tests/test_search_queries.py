"""The judged search query set (benchmarks/data/search_queries.jsonl) is well formed.

The set is labelled by hand and measured once (benchmarks/search.py); a malformed line would silently
drop a query or a judgment from every system's score, so its shape is checked on every test run."""

from __future__ import annotations

import json
from pathlib import Path

QUERIES = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "search_queries.jsonl"
KINDS = {"known-item", "topic"}
VARIANTS = {"hamza", "ta-marbuta", "alef-maqsura", "clitic", "diacritics", "tatweel", "digits", "plain"}
KEYS = {"qid", "kind", "query", "variant", "relevant", "note"}


def _queries() -> list[dict[str, object]]:
    return [json.loads(line) for line in QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_query_set_shape() -> None:
    queries = _queries()
    assert len(queries) >= 150
    qids = [q["qid"] for q in queries]
    assert len(set(qids)) == len(qids), "qids must be unique"
    for q in queries:
        assert set(q) == KEYS, q.get("qid")
        assert isinstance(q["query"], str) and q["query"].strip(), q["qid"]
        assert q["kind"] in KINDS, q["qid"]
        assert q["variant"] in VARIANTS, q["qid"]
        relevant = q["relevant"]
        assert isinstance(relevant, list) and relevant, q["qid"]
        assert all(isinstance(u, str) and u.startswith("http") for u in relevant), q["qid"]
        assert len(set(relevant)) == len(relevant), f"{q['qid']}: a url judged twice"
        assert isinstance(q["note"], str) and q["note"], q["qid"]


def test_both_kinds_and_variants_present() -> None:
    queries = _queries()
    kinds = {q["kind"] for q in queries}
    assert kinds == KINDS
    known_variants = {q["variant"] for q in queries if q["kind"] == "known-item"}
    assert VARIANTS - {"plain"} <= known_variants
