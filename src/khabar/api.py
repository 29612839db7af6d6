"""The functional API behind the CLI: ``process`` mirrors ``khabar process`` flag for flag."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from khabar.engine import make_executor
from khabar.io.base import DEFAULT_MAX_CHARS, FieldMap, RawRecord, ReadError
from khabar.io.discover import read_paths
from khabar.io.records import read_articles
from khabar.io.writers import default_errors_path, open_writer
from khabar.record import Article
from khabar.stages import OPTIONAL_STAGES, build_stages
from khabar.stages.runner import (
    BATCH_SIZE,
    ErrorReport,
    Failed,
    RunStats,
    StageChain,
    iter_run,
    refine_many,
    run,
    write_stats,
)

__all__ = [
    "BATCH_SIZE",
    "RefineRecord",
    "Summary",
    "default_errors_path",
    "iter_run",
    "process",
    "read_articles",
    "refine_many",
    "run",
]

REPEAT_REASONS = frozenset({"repeated-paragraph", "repeated-body", "repeats-title"})
DISPLAY_REASONS = frozenset(
    {"mojibake", "presentation-form", "invisible-char", "persian-letter", "whitespace"}
)


@dataclass
class Summary:
    """What a run did. ``errors`` counts records that could not be read or refined; ``run`` has the
    per-stage stats."""

    read: int = 0
    written: int = 0
    repaired: int = 0  # articles with repeated content removed
    display_repaired: int = 0  # articles with a display repair (encoding, invisibles, forms …)
    datelines: int = 0
    errors: int = 0
    reasons: Counter[str] = field(default_factory=Counter)  # articles per edit reason
    errors_path: str | None = None
    run: RunStats = field(default_factory=RunStats)

    def add(self, article: Article) -> None:
        reasons = {e.reason for e in article.edits}
        self.reasons.update(reasons)
        self.repaired += bool(reasons & REPEAT_REASONS)
        self.display_repaired += bool(reasons & DISPLAY_REASONS)
        self.datelines += article.dateline is not None

    def as_text(self) -> str:
        lines = [
            f"read {self.read:,}  written {self.written:,}  repaired {self.repaired:,}  "
            f"display-repaired {self.display_repaired:,}  datelines {self.datelines:,}  errors {self.errors:,}"
        ]
        if self.reasons:
            lines.append(
                "edits (articles): " + ", ".join(f"{r} {n:,}" for r, n in sorted(self.reasons.items()))
            )
        if self.run.stages:
            lines.append(self.run.stages_text())
        if self.errors and self.errors_path:
            lines.append(f"bad records written to {self.errors_path}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, object]:
        """The ``--stats`` JSON: the counts above and each stage's."""
        return {
            **self.run.as_dict(),
            "repaired": self.repaired,
            "display_repaired": self.display_repaired,
            "datelines": self.datelines,
            "reasons": dict(sorted(self.reasons.items())),
        }


@dataclass(frozen=True, slots=True)
class RefineRecord:
    """The stages of ``khabar process`` over one reader record or a batch of them (what a worker runs):
    an article, or the read error or failure that takes its place."""

    stages: tuple[str, ...] = OPTIONAL_STAGES
    published_default: str | None = None

    def __call__(self, rec: RawRecord | ReadError) -> Article | ReadError | Failed:
        return self.batch([rec])[0]

    def batch(self, recs: list[RawRecord | ReadError]) -> list[Article | ReadError | Failed]:
        return StageChain(tuple(build_stages(self.stages, self.published_default)))(recs)[0]


def process(
    paths: Sequence[str],
    output: str | None = None,
    *,
    errors: str | None = None,
    workers: int = 1,
    engine: str = "local",
    ray_address: str | None = None,
    field_map: FieldMap | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    stages: Sequence[str] = OPTIONAL_STAGES,
    published: str | None = None,
    on_error: Callable[[str], None] | None = None,
    on_record: Callable[[], None] | None = None,
    fmt: str | None = None,
    input_format: str = "auto",
    stats: str | None = None,
) -> Summary:
    """Read ``paths``, refine and enrich every article and write the records to ``output`` (JSON
    Lines on stdout when ``None``, Parquet for ``.parquet``; ``fmt`` names the format instead of the
    extension; an unknown extension raises OutputError before anything is read). ``errors``: the errors
    file (default: see ``default_errors_path``). ``stages``: the optional stages (``khabar.stages.REGISTRY``);
    ``published``: the date relative dates resolve against for articles without one. ``engine``: ``local`` or ``ray`` (at ``ray_address``, else
    a local Ray instance). ``stats``: a file for the run's per-stage stats (JSON). Bad records are reported through ``on_error`` (default: stderr)
    and written to ``errors``; the run goes on."""
    summary = Summary(errors_path=errors or default_errors_path(output))
    chosen = build_stages(stages, published)  # an unknown stage fails before any output is opened
    report = ErrorReport(
        summary.errors_path, on_error or (lambda msg: print(f"khabar: {msg}", file=sys.stderr))
    )
    try:
        sink = open_writer(output, fmt, on_reject=report.reject)
    except BaseException:
        report.close()
        raise
    source = read_paths(list(paths), field_map=field_map, max_chars=max_chars, fmt=input_format)
    summary.run = run(
        source,
        chosen,
        sink,
        make_executor(engine, workers, ray_address),
        errors=report,
        on_written=summary.add,
        on_record=on_record,
    )
    summary.read, summary.written, summary.errors = summary.run.read, summary.run.written, summary.run.errors
    if stats:
        write_stats(stats, summary.as_dict())
    return summary
