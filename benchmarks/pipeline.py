"""Throughput of the whole per-article pipeline and of each stage, one process, on SaudiNewsNet.

    .venv/bin/python benchmarks/pipeline.py [--limit 5000]

Prints articles/s for the whole pipeline as ``khabar process`` runs it (``RefineRecord.batch``, batches of
``khabar.api.BATCH_SIZE``) on its first pass, when the NER word table and the other per-word caches meet
every word for the first time; then refine alone (repair + dateline) and each enrichment stage on the
refined articles; then the whole pipeline again in steady state (best of ``--repeat`` passes) and one
article at a time (``khabar.refine``). The goal is ≥ 500 articles/s per core. Times are CPU seconds of
this process (``time.process_time``), so other jobs on the machine disturb them less than wall time;
expect ±5 % between runs.
Data: $KHABAR_SHARED/data/saudinewsnet (default <repo>/../shared).
"""

from __future__ import annotations

import argparse
import os
import time

from _common import best_of, saudinewsnet_dir, use_repo_src

use_repo_src()

import khabar  # noqa: E402
from khabar.api import BATCH_SIZE, RefineRecord  # noqa: E402
from khabar.enrich.stage import STAGES, enrich_many  # noqa: E402
from khabar.io.base import RawRecord  # noqa: E402
from khabar.io.discover import read_paths  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=5000, help="articles to time (default 5000)")
    ap.add_argument("--repeat", type=int, default=3, help="steady-state passes, best kept (default 3)")
    args = ap.parse_args()
    data = saudinewsnet_dir()
    if not data.is_dir():
        print(f"SaudiNewsNet not found at {data}: nothing to measure (set KHABAR_SHARED)")
        return 0
    records = [r for r in read_paths([str(data)]) if isinstance(r, RawRecord)][: args.limit]
    kw = [
        dict(title=r.title, url=r.url, source=r.source, published=r.published, meta=r.extra) for r in records
    ]
    khabar.refine(records[0].text, **kw[0])  # load models and tables outside the timings

    def timed(label: str, fn, repeat: int = 1) -> float:  # type: ignore[no-untyped-def]
        seconds, out = best_of(fn, repeat, time.process_time)
        print(
            f"{label:<29} {len(records) / seconds:>8,.0f} articles/s   {seconds / len(records) * 1e3:6.2f} ms/article"
        )
        return out

    def batched(fn, items):  # type: ignore[no-untyped-def]
        return [x for lo in range(0, len(items), BATCH_SIZE) for x in fn(items[lo : lo + BATCH_SIZE])]

    print(f"{len(records):,} SaudiNewsNet articles, one process, load average {os.getloadavg()[0]:.1f}")
    timed("whole, first pass (process)", lambda: batched(RefineRecord().batch, records))
    refined = timed(
        "refine (repair + dateline)",
        lambda: [khabar.refine(r.text, **k, stages=()) for r, k in zip(records, kw, strict=True)],
    )
    for stage in STAGES:
        timed(f"  + {stage}", lambda s=stage: batched(lambda b: enrich_many(b, (s,)), refined))
    timed("whole pipeline (process)", lambda: batched(RefineRecord().batch, records), args.repeat)
    timed(
        "whole, one at a time",
        lambda: [khabar.refine(r.text, **k) for r, k in zip(records, kw, strict=True)],
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
