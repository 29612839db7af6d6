"""Date extraction in context: khabar.enrich.dates vs dateparser, on a hand-labelled set.

The set (``benchmarks/data/dates_labelled.jsonl``) holds sentences in Arabic news style, each with a
publication date, one labelled expression and its expected ISO value and granularity. Most sentences
were written for khabar and are stored as is; the few taken from SaudiNewsNet are stored as references
and rebuilt from ``$KHABAR_SHARED/data/saudinewsnet`` (default ``<repo>/../shared``) by
``benchmarks/devsets.py``. Without the corpus only the khabar-written items are scored, and no report
is written. A system scores when the mention it returns that overlaps the expression has exactly the
expected value (dateparser's datetimes are truncated to the expected granularity, which is generous to
it).

    .venv/bin/pip install dateparser   # benchmark only, never a khabar dependency
    PYTHONPATH=src .venv/bin/python benchmarks/dates.py --out benchmarks/results/dates.md [--show-errors]

Without dateparser installed only khabar is scored.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

from khabar.enrich.dates import find_dates

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:  # run as a script: make ``benchmarks.devsets`` importable
    sys.path.insert(0, str(HERE.parent))
from benchmarks.devsets import DATES as DATA  # noqa: E402
from benchmarks.devsets import load_dates  # noqa: E402

CATEGORIES = (
    "gregorian",
    "levantine",
    "maghrebi",
    "hijri",
    "relative_day",
    "weekday",
    "relative_wmy",
    "partial_month_year",
)


def _truncate(d: date, gran: str) -> str:
    if gran == "day":
        return d.isoformat()
    if gran == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if gran == "year":
        return str(d.year)
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def khabar_value(item: dict) -> str | None:
    s, e = item["expr_start"], item["expr_end"]
    for m in find_dates(item["text"], date.fromisoformat(item["published"])):
        if m.start < e and s < m.end:
            return m.value
    return None


def dateparser_value(item: dict) -> str | None:
    from dateparser.search import search_dates

    pub = datetime.fromisoformat(item["published"])
    found = search_dates(
        item["text"], languages=["ar"], settings={"RELATIVE_BASE": pub, "PREFER_DATES_FROM": "past"}
    )
    s, e = item["expr_start"], item["expr_end"]
    pos = 0
    for text, dt in found or []:
        i = item["text"].find(text, pos)
        if i < 0:
            i = item["text"].find(text)
        if i >= 0:
            pos = i + len(text)
            if i < e and s < i + len(text):
                return _truncate(dt.date(), item["granularity"])
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=None, help="write a markdown table here")
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args()
    items, left_out = load_dates(DATA)
    if left_out:
        print(f"{left_out}. Scoring the other {len(items)}.")
    try:
        import dateparser  # noqa: F401

        systems = {"khabar": khabar_value, "dateparser": dateparser_value}
    except ImportError:
        systems = {"khabar": khabar_value}
    score: dict[str, dict[str, list[int]]] = {k: defaultdict(lambda: [0, 0]) for k in systems}
    for item in items:
        for name, fn in systems.items():
            got = fn(item)
            ok = got == item["value"]
            for cat in (item["category"], "all"):
                score[name][cat][0] += ok
                score[name][cat][1] += 1
            if args.show_errors and not ok:
                print(f"[{name}] {item['category']}: {item['expr']!r} expected {item['value']} got {got}")
    header = "| category | n | " + " | ".join(systems) + " |"
    lines = [header, "|---|---:|" + "---:|" * len(systems)]
    for cat in (*CATEGORIES, "all"):
        n = score["khabar"][cat][1]
        cells = [f"{score[s][cat][0] / n:.0%} ({score[s][cat][0]})" if n else "-" for s in systems]
        lines.append(f"| {cat} | {n} | " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    print(table)
    if args.out and left_out:
        print(f"not writing {args.out}: the set is incomplete without the corpus")
    elif args.out:
        args.out.write_text(
            "# Dates: khabar vs dateparser\n\nExact value match on the labelled expression "
            f"({len(items)} items, `benchmarks/data/dates_labelled.jsonl`).\n\n"
            "    PYTHONPATH=src .venv/bin/python benchmarks/dates.py "
            "--out benchmarks/results/dates.md\n\n" + table + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
