"""Pick the articles and story clusters behind the judged search query set, deterministically.

The query set (``benchmarks/data/search_queries.jsonl``) is written by hand: a person reads each picked
article and types the query someone looking for it would use, with a deliberate spelling variant. This
script only does the mechanical parts, so that anyone can re-draw exactly the same candidates and re-check
the labels:

- ``pick``: the known-item candidates — articles drawn at random with a fixed seed from the benchmark
  corpus (the first 11 SaudiNewsNet zips) — and the topic candidates — story clusters from a ``khabar dedup``
  output with ≥ 3 members across ≥ 2 outlets, drawn with the same seed — printed with their title and lead
  for reading. Copies of each known item (its story's other members) are listed for checking by eye.
- ``check``: for every query in the set, how many corpus articles hold all its words under a simple
  Arabic folding (hamza/alef, ى/ي, ة/ه, harakat, tatweel, digits, one clitic), and whether every relevant url
  exists in the corpus: a known-item query matched by 100+ articles is too vague to be a known-item query.
  It also checks that each known-item query with a variant really differs from its target: at least one
  query word must be spelled in no way the target article spells it (else the variant tests nothing).

The folding here is the labeller's own (it decides nothing the benchmark measures: the systems compared
never see it). Nothing here reads or copies article text into the repository.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from _common import REPO, saudinewsnet_dir

SEED = 20150721
DAYS = 11  # the first 11 zips: the corpus the search benchmark indexes
QUERIES = REPO / "benchmarks" / "data" / "search_queries.jsonl"

_HARAKAT = re.compile("[\u064b-\u065f\u0670\u0640]")
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ؤ": "و",
        "ئ": "ي",
        **{chr(0x660 + d): str(d) for d in range(10)},
        **{chr(0x6F0 + d): str(d) for d in range(10)},
    }
)
_WORD = re.compile(r"\w+")
_RAW_SPLIT = re.compile(r"[^\w\u064b-\u065f\u0670\u0640]+")  # words as written, harakat kept


def fold(text: str) -> str:
    """The labeller's folding: harakat and tatweel out, hamza/alef, ى, ة, ؤ/ئ and digits folded."""
    return _HARAKAT.sub("", text).translate(_FOLD)


def word_forms(word: str) -> set[str]:
    """A folded word with one leading clitic (و ف ب ك ل, then ال / لل) removed or not."""
    forms = {word}
    for w in list(forms):
        if len(w) > 3 and w[0] in "وفبكل":
            forms.add(w[1:])
    for w in list(forms):
        if w.startswith("ال") and len(w) > 3:
            forms.add(w[2:])
        if w.startswith("لل") and len(w) > 3:
            forms.add(w[2:])
    return forms


def corpus(days: int = DAYS) -> Iterator[dict[str, str]]:
    """The records of the first ``days`` zips, in file order, with a non-empty body."""
    for path in sorted(saudinewsnet_dir().glob("*.zip"))[:days]:
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                for rec in json.loads(z.read(name)):
                    if (rec.get("content") or "").strip():
                        yield rec


def lead(rec: dict[str, str], chars: int = 400) -> str:
    return " ".join((rec.get("content") or "").split())[:chars]


def pick(dedup: Path | None, known: int, topics: int, seed: int) -> None:
    """Print the known-item and topic candidates (``url``, title, lead; a story's members)."""
    recs = list(corpus())
    rng = random.Random(seed)
    by_url = {r["url"]: r for r in recs}
    story_of: dict[str, str] = {}
    members: dict[str, list[str]] = defaultdict(list)
    if dedup is not None:
        with dedup.open(encoding="utf-8") as f:
            for line in f:
                a = json.loads(line)
                if a.get("url") in by_url and a.get("story"):
                    story_of[a["url"]] = a["story"]
                    members[a["story"]].append(a["url"])
    print(f"# corpus: {len(recs)} articles with a body, first {DAYS} zips; seed {seed}")
    print(f"## known-item candidates ({known})")
    for i, rec in enumerate(rng.sample(recs, known), 1):
        copies = [u for u in members.get(story_of.get(rec["url"], ""), []) if u != rec["url"]]
        print(f"\nK{i:03d} {rec['source']} {rec['url']}\n  T: {rec.get('title')}\n  L: {lead(rec)}")
        for u in copies:
            print(f"  copy: {by_url[u]['source']} {u} | {by_url[u].get('title')}")
    if not members:
        return
    clusters = [
        sorted(us) for us in members.values() if len(us) >= 3 and len({by_url[u]["source"] for u in us}) >= 2
    ]
    clusters.sort()
    print(f"\n## topic candidates ({topics} of {len(clusters)} clusters, ≥3 members, ≥2 outlets)")
    for i, us in enumerate(rng.sample(clusters, min(topics, len(clusters))), 1):
        print(f"\nT{i:03d} ({len(us)} members)")
        for u in us:
            print(f"  {by_url[u]['source']} {u} | {by_url[u].get('title')} | {lead(by_url[u], 120)}")


def check(path: Path) -> int:
    """Count the articles matching each query's words (folded, one clitic) and flag unknown urls."""
    recs = list(corpus())
    urls = {r["url"] for r in recs}
    docs = [
        set().union(*(word_forms(w) for w in _WORD.findall(fold(f"{r.get('title') or ''} {r['content']}"))))
        for r in recs
    ]
    by_url = {r["url"]: r for r in recs}
    bad = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        words = [word_forms(w) for w in _WORD.findall(fold(q["query"]))]
        hits = [i for i, d in enumerate(docs) if all(forms & d for forms in words)]
        hit_urls = {recs[i]["url"] for i in hits}
        missing = [u for u in q["relevant"] if u not in urls]
        found = sum(u in hit_urls for u in q["relevant"])
        flag = ""
        if missing:
            flag += f" MISSING {missing}"
        if q["kind"] == "known-item" and len(hits) >= 100:
            flag += " TOO-VAGUE"
        if q["kind"] == "known-item" and q["variant"] != "plain" and not missing:
            target = by_url[q["relevant"][0]]
            raw = set(_RAW_SPLIT.split(f"{target.get('title') or ''} {target['content']}"))
            if all(w in raw for w in q["query"].split()):
                flag += " NO-VARIANT"
        if flag:
            bad += 1
        print(
            f"{q['qid']} {q['kind']:10} {q['variant']:12} matches {len(hits):5d} "
            f"relevant {found}/{len(q['relevant'])}{flag}  {q['query']}"
        )
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pick", help="print the candidates to read")
    p.add_argument("--dedup", type=Path, help="a khabar dedup output of the same 11 zips (story clusters)")
    p.add_argument("--known", type=int, default=130)
    p.add_argument("--topics", type=int, default=80)
    p.add_argument("--seed", type=int, default=SEED)
    c = sub.add_parser("check", help="match counts of each labelled query")
    c.add_argument("--queries", type=Path, default=QUERIES)
    args = ap.parse_args(argv)
    if not saudinewsnet_dir().is_dir():
        print(f"SaudiNewsNet not found at {saudinewsnet_dir()}")
        return 0
    if args.cmd == "pick":
        pick(args.dedup, args.known, args.topics, args.seed)
        return 0
    return check(args.queries)


if __name__ == "__main__":
    sys.exit(main())
