"""Dateline/credit coverage over the SaudiNewsNet corpus, per outlet, with examples to check by eye.

Runs ``find_dateline`` on the first non-empty line and ``find_credit`` on the last non-empty line of every
article's ``content``. Prints per outlet: articles, datelines found, credits found, the most common
first-line prefixes that were *not* matched (to find missing shapes), then 20 random matches (seeded) to
judge precision.

Usage: ``python scripts/dateline_coverage.py [DATA_DIR] [--examples N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from khabar.refining.dateline import find_credit, find_dateline  # noqa: E402

DEFAULT_DIR = Path("/work/shared/data/saudinewsnet")


def load(data_dir: Path) -> list[dict[str, str]]:
    articles: list[dict[str, str]] = []
    for path in sorted(data_dir.glob("*.zip")):
        with zipfile.ZipFile(path) as zf:
            for name in sorted(zf.namelist()):
                if name.endswith(".json"):
                    articles.extend(json.loads(zf.read(name)))
    return articles


def _lines(content: str) -> list[str]:
    return [line for line in content.splitlines() if line.strip()]


def _prefix(line: str, words: int = 3) -> str:
    return " ".join(line.split()[:words])


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir", nargs="?", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--examples", type=int, default=20)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--outlet", action="append", help="only these outlets (repeatable)")
    args = ap.parse_args(argv)
    if not args.data_dir.is_dir():
        print(f"skip: {args.data_dir} not found")
        return 0

    articles = load(args.data_dir)
    by_outlet: dict[str, list[dict[str, str]]] = collections.defaultdict(list)
    for art in articles:
        by_outlet[art.get("source") or "?"].append(art)

    t0 = time.perf_counter()
    rows = []
    examples = []
    misses: dict[str, collections.Counter[str]] = {}
    for outlet in sorted(by_outlet):
        if args.outlet and outlet not in args.outlet:
            continue
        n = found = credits = 0
        miss: collections.Counter[str] = collections.Counter()
        for art in by_outlet[outlet]:
            lines = _lines(art.get("content") or "")
            if not lines:
                continue
            n += 1
            first, last = lines[0], lines[-1]
            m = find_dateline(first)
            if m is not None:
                found += 1
                examples.append((outlet, first, m))
            else:
                miss[_prefix(first)] += 1
            c = find_credit(last) if len(lines) > 1 or m is None else None
            if c is not None:
                credits += 1
                examples.append((outlet, last, c))
        rows.append((outlet, n, found, credits))
        misses[outlet] = miss
    elapsed = time.perf_counter() - t0

    print(f"{'outlet':<14}{'articles':>9}{'datelines':>11}{'%':>7}{'credits':>9}")
    total_n = total_f = total_c = 0
    for outlet, n, found, credits in rows:
        total_n, total_f, total_c = total_n + n, total_f + found, total_c + credits
        print(f"{outlet:<14}{n:>9}{found:>11}{100 * found / max(n, 1):>6.1f}%{credits:>9}")
    print(f"{'TOTAL':<14}{total_n:>9}{total_f:>11}{100 * total_f / max(total_n, 1):>6.1f}%{total_c:>9}")
    print(f"({total_n / max(elapsed, 1e-9):,.0f} articles/s, first+last line)\n")

    for outlet, _, _, _ in rows:
        top = misses[outlet].most_common(10)
        if top:
            print(f"-- {outlet}: top unresolved first-line prefixes")
            for prefix, count in top:
                print(f"   {count:>5}  {prefix}")
    print()

    rng = random.Random(args.seed)
    sample = rng.sample(examples, min(args.examples, len(examples)))
    print(f"-- {len(sample)} random matches (seed {args.seed}) for an eye check")
    for outlet, line, m in sample:
        cut = line[m.start : m.end].strip()
        rest = line[m.end : m.end + 40] if m.position == "start" else line[max(0, m.start - 40) : m.start]
        print(
            f"[{outlet}] {m.position}: {cut!r} | place={m.place}/{m.place_en}/{m.country}"
            f" agency={m.agency}({m.agency_kind}) date={m.date} byline={m.byline} | …{rest.strip()!r}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
