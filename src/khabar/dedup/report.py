"""The dedup report: counts by kind, story sizes, the largest stories, copy rate per outlet —
as JSON, as a readable summary, and as PNG plots when matplotlib is installed."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from khabar.record import Duplicate


@dataclass
class DedupReport:
    articles: int = 0
    written: int = 0
    errors: int = 0
    stories: int = 0
    digests: int = 0  # articles holding pieces of ≥ 2 unrelated articles (never a bridge between them)
    by_kind: Counter[str] = field(default_factory=Counter)  # duplicates by kind
    story_sizes: Counter[int] = field(default_factory=Counter)  # size -> number of stories
    largest: list[dict[str, Any]] = field(default_factory=list)
    per_source: dict[str, dict[str, float]] = field(default_factory=dict)
    edges: Counter[str] = field(default_factory=Counter)
    candidates: int = 0
    indexed_before: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        ids: list[str],
        sources: list[str | None],
        titles: dict[str, str | None],
        canonical_ids: list[str],
        duplicates: list[Duplicate | None],
        top: int = 10,
        digests: int = 0,
    ) -> DedupReport:
        r = cls(articles=len(ids), digests=digests)
        r.by_kind = Counter(d.kind for d in duplicates if d)
        members: dict[str, list[int]] = {}
        for i, c in enumerate(canonical_ids):
            members.setdefault(c, []).append(i)
        r.stories = len(members)
        r.story_sizes = Counter(len(m) for m in members.values())
        biggest = sorted(members.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:top]
        r.largest = [
            {
                "story": c,
                "size": len(m),
                "title": titles.get(c),
                "sources": dict(sorted(Counter(sources[i] or "?" for i in m).items())),
            }
            for c, m in biggest
            if len(m) > 1
        ]
        per: dict[str, Counter[str]] = {}
        for s, d in zip(sources, duplicates, strict=True):
            c = per.setdefault(s or "?", Counter())
            c["articles"] += 1
            if d:
                c["copies"] += 1
                c[d.kind] += 1
        r.per_source = {
            s: {
                **{k: int(v) for k, v in sorted(c.items())},
                "copy_rate": round(c["copies"] / c["articles"], 4),
            }
            for s, c in sorted(per.items())
        }
        return r

    def to_json(self) -> str:
        d = {
            "articles": self.articles,
            "written": self.written,
            "errors": self.errors,
            "stories": self.stories,
            "digests": self.digests,
            "duplicates": dict(sorted(self.by_kind.items())),
            "story_sizes": {str(k): v for k, v in sorted(self.story_sizes.items())},
            "largest_stories": self.largest,
            "per_source": self.per_source,
            "verified_edges": dict(sorted(self.edges.items())),
            "candidate_pairs": self.candidates,
            "indexed_before": self.indexed_before,
            "seconds": self.seconds,
        }
        return json.dumps(d, ensure_ascii=False, indent=1)

    def as_text(self) -> str:
        dups = sum(self.by_kind.values())
        lines = [
            f"articles {self.articles:,}  stories {self.stories:,}  duplicates {dups:,} "
            f"(exact {self.by_kind['exact']:,}, near {self.by_kind['near']:,}, contained {self.by_kind['contained']:,})"
            f"  written {self.written:,}"
        ]
        if self.digests:
            lines.append(
                f"digests {self.digests:,} (articles holding pieces of unrelated articles; not merged)"
            )
        if self.indexed_before:
            lines.append(f"deduplicated against {self.indexed_before:,} indexed articles")
        sizes = sorted(self.story_sizes.items())
        if sizes:
            lines.append("story sizes: " + ", ".join(f"{k}×{v:,}" for k, v in sizes[:12]))
        if self.largest:
            lines.append("largest stories:")
            for s in self.largest[:5]:
                lines.append(f"  {s['size']:>4}  {s['story']}  {(s['title'] or '')[:70]}")
        copy = [
            (s, v["copy_rate"], int(v["articles"])) for s, v in self.per_source.items() if v.get("copies")
        ]
        if copy:
            lines.append(
                "copy rate per source: "
                + ", ".join(f"{s} {r:.1%} of {n:,}" for s, r, n in sorted(copy, key=lambda x: -x[1]))
            )
        return "\n".join(lines)

    def write(self, path: str | Path) -> list[Path]:
        """Write ``path`` (JSON), ``path``'s stem + ``.txt`` and, with matplotlib, PNG plots."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(self.to_json() + "\n", encoding="utf-8")
        written = [p, p.with_suffix(".txt")]
        written[1].write_text(self.as_text() + "\n", encoding="utf-8")
        written += self._plots(p)
        return written

    def _plots(self, p: Path) -> list[Path]:
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            return []
        out = []
        if self.story_sizes:
            fig, ax = plt.subplots(figsize=(6, 3.5))
            sizes = sorted(self.story_sizes.items())
            ax.bar([str(k) for k, _ in sizes[:30]], [v for _, v in sizes[:30]])
            ax.set_yscale("log")
            ax.set_xlabel("articles in the story")
            ax.set_ylabel("stories")
            ax.set_title("Story sizes")
            fig.tight_layout()
            out.append(p.with_name(p.stem + "-story-sizes.png"))
            fig.savefig(out[-1], dpi=100)
            plt.close(fig)
        rates = [(s, v["copy_rate"]) for s, v in self.per_source.items()]
        if len(rates) > 1:
            fig, ax = plt.subplots(figsize=(6, 0.3 * len(rates) + 1))
            rates.sort(key=lambda x: x[1])
            ax.barh([s for s, _ in rates], [r for _, r in rates])
            ax.set_xlabel("share of the source's articles that are copies")
            ax.set_title("Copy rate per source")
            fig.tight_layout()
            out.append(p.with_name(p.stem + "-copy-rate.png"))
            fig.savefig(out[-1], dpi=100)
            plt.close(fig)
        return out
