"""The functional API behind the CLI: ``process`` mirrors ``khabar process`` flag for flag."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from khabar.engine import make_executor
from khabar.io.base import DEFAULT_MAX_CHARS, FieldMap, RawRecord, ReadError
from khabar.io.discover import read_paths
from khabar.io.records import read_articles
from khabar.io.writers import (
    COMPRESSED_SUFFIXES,
    default_errors_path,
    is_special_output,
    open_writer,
    output_format,
    partial_path,
)
from khabar.record import Article
from khabar.stages import OPTIONAL_STAGES, build_stages
from khabar.stages.runner import (
    BATCH_SIZE,
    Checkpoint,
    ErrorReport,
    Failed,
    ResumeError,
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
    "ResumeError",
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

    def counts(self) -> dict[str, Any]:
        """The counts ``add`` keeps, for a checkpoint (``restore`` takes them back on resume)."""
        return {
            "repaired": self.repaired,
            "display_repaired": self.display_repaired,
            "datelines": self.datelines,
            "reasons": dict(sorted(self.reasons.items())),
        }

    def restore(self, counts: dict[str, Any]) -> None:
        self.repaired, self.display_repaired = counts["repaired"], counts["display_repaired"]
        self.datelines, self.reasons = counts["datelines"], Counter(counts["reasons"])

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
        return {**self.run.as_dict(), **self.counts()}


def _input_fingerprint(paths: Sequence[str], options: dict[str, Any]) -> str:
    """What a resumed run must share with the interrupted one: each input's path, size and mtime (a
    directory's files, walked) and the options that shape the output (not the workers or engine: the
    output is the same whatever they are)."""
    files: list[Any] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            for root, dirs, names in os.walk(p):
                dirs.sort()
                for name in sorted(names):
                    st = os.stat(os.path.join(root, name))
                    files.append([os.path.join(root, name), st.st_size, st.st_mtime_ns])
        elif p.exists():
            st = p.stat()
            files.append([given, st.st_size, st.st_mtime_ns])
        else:
            files.append([given])  # a glob, or a missing path (reported by the run)
    try:  # not khabar.__version__: the package is the layer above this module
        version = importlib.metadata.version("khabar")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    blob = json.dumps({"inputs": files, "options": options, "khabar": version}, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8", "surrogateescape")).hexdigest()


def _checkpoint(
    paths: Sequence[str],
    output: str | None,
    fmt: str | None,
    options: dict[str, Any],
    resume: bool,
    on_notice: Callable[[str], None],
) -> Checkpoint | None:
    """The checkpoint of a resumable run (a plain JSON Lines file output), with the state to resume
    from when ``resume``; an ``OUT.partial`` left by another run is replaced (and said so) when not.
    ResumeError when ``resume`` cannot be honoured."""
    plain_file = (
        output is not None
        and not is_special_output(output)
        and "-" not in paths
        and output_format(output, fmt) == "jsonl"
        and not output.lower().endswith(COMPRESSED_SUFFIXES)
    )
    if resume and not plain_file:
        raise ResumeError(
            "--resume needs a plain JSON Lines file output (-o OUT.jsonl) and file inputs: stdout, stdin, "
            "Parquet and compressed outputs cannot be resumed"
        )
    if not plain_file:
        return None
    assert output is not None
    partial = partial_path(output)
    point = Checkpoint(Path(str(partial) + ".state"), _input_fingerprint(paths, options))
    state = Checkpoint.load(point.path)
    if resume and state is not None and partial.exists():
        if state.get("fingerprint") != point.fingerprint or state.get("shard") != point.every:
            raise ResumeError(
                f"--resume: {partial} was written from other inputs or options (or the inputs changed "
                "since); run without --resume to start over"
            )
        errors_file = Path(options["errors"]) if options["errors"] else None
        errors_size = errors_file.stat().st_size if errors_file and errors_file.exists() else 0
        if partial.stat().st_size < state["output_bytes"] or errors_size < state["errors_bytes"]:
            raise ResumeError(
                f"--resume: {partial} or its errors file is shorter than its state says (changed since?); "
                "run without --resume to start over"
            )
        point.resumed = state
        on_notice(f"resuming {partial} after {state['consumed']:,} inputs")
    elif resume:
        on_notice(
            f"nothing to resume for {output} (no {partial} with its state): starting from the beginning"
        )
    elif partial.exists():
        on_notice(f"replacing {partial} left by an interrupted run (--resume would continue it)")
    if point.resumed is None:  # a fresh run: no state until its first shard is written
        point.remove()
        partial.unlink(missing_ok=True)
    return point


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
    resume: bool = False,
    on_notice: Callable[[str], None] | None = None,
) -> Summary:
    """Read ``paths``, refine and enrich every article and write the records to ``output`` (JSON
    Lines on stdout when ``None``, Parquet for ``.parquet``; ``fmt`` names the format instead of the
    extension; an unknown extension raises OutputError before anything is read). ``errors``: the errors
    file (default: see ``default_errors_path``). ``stages``: the optional stages (``khabar.stages.REGISTRY``);
    ``published``: the date relative dates resolve against for articles without one. ``engine``: ``local`` or ``ray`` (at ``ray_address``, else
    a local Ray instance). ``stats``: a file for the run's per-stage stats (JSON). Bad records are reported through ``on_error`` (default: stderr)
    and written to ``errors``; the run goes on. A file output is written to ``OUT.partial`` and renamed
    when complete; for a plain JSON Lines output, ``OUT.partial.state`` records each completed shard and
    ``resume`` continues from the last one (ResumeError when it cannot). ``on_notice``: such notes
    (default: stderr)."""
    summary = Summary(errors_path=errors or default_errors_path(output))
    chosen = build_stages(stages, published)  # an unknown stage fails before any output is opened
    options = {
        "output": str(output),
        "fmt": fmt,
        "errors": summary.errors_path,
        "field_map": repr(field_map),
        "max_chars": max_chars,
        "stages": list(stages),
        "published": published,
        "input_format": input_format,
    }
    checkpoint = _checkpoint(
        paths,
        output,
        fmt,
        options,
        resume,
        on_notice or (lambda msg: print(f"khabar: {msg}", file=sys.stderr)),
    )
    resumed = checkpoint.resumed if checkpoint else None
    if checkpoint:
        checkpoint.extra = summary.counts
        if resumed:
            summary.restore(resumed["extra"])
    report = ErrorReport(
        summary.errors_path,
        on_error or (lambda msg: print(f"khabar: {msg}", file=sys.stderr)),
        resume_at=resumed["errors_bytes"] if resumed else None,
    )
    try:
        sink = open_writer(
            output, fmt, on_reject=report.reject, resume_at=resumed["output_bytes"] if resumed else None
        )
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
        checkpoint=checkpoint,
    )
    summary.read, summary.written, summary.errors = summary.run.read, summary.run.written, summary.run.errors
    if stats:
        write_stats(stats, summary.as_dict())
    return summary
