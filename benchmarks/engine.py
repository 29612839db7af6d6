"""SaudiNewsNet through each executor, side by side: in-process, local processes and Ray, 1 and 2 workers.

Each row does the same work, the whole ``khabar process`` path: read the daily zips (the first ``--limit``
articles), refine and enrich every article, write JSON Lines (and the errors file) to a temporary folder.
It prints wall seconds, articles/s and the speed-up over one worker for each executor, checks that every
output is byte-identical to the in-process one, and writes benchmarks/results/engine.md.

    .venv/bin/python benchmarks/engine.py                 # every article, writes the report
    .venv/bin/python benchmarks/engine.py --limit 3000    # quicker
    .venv/bin/python benchmarks/engine.py --no-ray        # without Ray (not installed, or to be quick)

Goals: Ray within 20 % of the local executor at 2 workers; 1 -> 2 workers at least 1.6x.
Ray's start-up (``ray.init``, inside ``make_executor("ray", N)``) is timed apart from the run. It happens
once per worker count: a local Ray instance is started with N CPUs, as ``khabar process --engine ray
--workers N`` does (the executor runs N tasks at a time on any instance, so a fresh one per count only
keeps the rows alike). The local executor's pool is started inside its run (the way
``khabar process`` pays for it), so its start-up is in its wall seconds. ``--repeat`` keeps each row's
fastest run, but only the in-process and Ray rows keep their loaded models and word caches between runs
(the local executor spawns a fresh pool each time): compare rows at the default, one run each.
Data: $KHABAR_SHARED/data/saudinewsnet (default <repo>/../shared).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import TypeVar

from _common import BENCH, REPO, best_of, saudinewsnet_dir, use_repo_src

use_repo_src()
# Ray's workers do not inherit this process's sys.path, only its environment: they must import this
# checkout's khabar too.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), os.environ.get("PYTHONPATH")]))

import khabar  # noqa: E402
from khabar.api import Summary  # noqa: E402
from khabar.engine import (  # noqa: E402
    EngineError,
    Executor,
    InProcessExecutor,
    LocalProcessExecutor,
    make_executor,
)
from khabar.io.base import RawRecord, ReadError  # noqa: E402
from khabar.io.discover import read_paths  # noqa: E402
from khabar.io.writers import open_writer  # noqa: E402
from khabar.stages import OPTIONAL_STAGES, build_stages  # noqa: E402
from khabar.stages.runner import ErrorReport, run  # noqa: E402

DEFAULT_OUT = BENCH / "results" / "engine.md"
RAY_WITHIN = 1.20  # goal: Ray's wall time at most 20 % over the local executor's at 2 workers
SPEEDUP_GOAL = 1.6  # goal: 1 -> 2 workers

T = TypeVar("T")
R = TypeVar("R")


class OneProcessExecutor(LocalProcessExecutor):
    """The local executor's pool with a single spawned process. ``make_executor("local", 1)`` runs in
    this process (no pool), like the in-process row; this row shows what the processes themselves cost
    (spawning, pickling batches and results), so 1 -> 2 workers can be read without that cost."""

    def __init__(self) -> None:
        super().__init__(1)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        with get_context("spawn").Pool(1) as pool:
            yield from pool.imap(fn, items, chunksize=self.chunksize)


@dataclass
class Row:
    executor: str
    workers: int
    startup: float | None  # seconds before the run (Ray's init); None: paid inside the run
    seconds: float
    written: int
    errors: int
    output_sha: str
    errors_sha: str

    def rate(self, articles: int) -> float:
        return articles / self.seconds if self.seconds else 0.0


def first_articles(data: Path, limit: int | None) -> Iterator[RawRecord | ReadError]:
    """The reader's stream of ``data`` up to its ``limit``-th article (the read errors among them kept)."""
    articles = 0
    for item in read_paths([str(data)]):
        if limit is not None and articles >= limit:
            return
        articles += isinstance(item, RawRecord)
        yield item


def sha256(path: Path) -> str:
    """The file's sha256; ``absent`` for no file (the errors file is made at the first error)."""
    if not path.exists():
        return "absent"
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def process_once(
    data: Path, limit: int | None, executor: Executor, folder: Path
) -> tuple[Summary, Path, Path]:
    """What ``khabar.api.process`` does for ``khabar process DATA -o OUT.jsonl -q``, with the source cut at
    ``limit`` articles and the executor handed in."""
    output, errors_path = folder / "out.jsonl", folder / "out.errors.jsonl"
    summary = Summary(errors_path=str(errors_path))
    report = ErrorReport(str(errors_path), lambda msg: None)  # -q: the errors file holds them
    sink = open_writer(str(output), None, on_reject=report.reject)
    summary.run = run(
        first_articles(data, limit),
        build_stages(OPTIONAL_STAGES, None),
        sink,
        executor,
        errors=report,
        on_written=summary.add,
    )
    summary.written, summary.errors = summary.run.written, summary.run.errors
    return summary, output, errors_path


def measure(
    label: str,
    workers: int,
    startup: float | None,
    executor: Executor,
    data: Path,
    limit: int | None,
    repeat: int,
    log: Callable[[str], None],
) -> Row:
    log(f"{label}, {workers} worker{'s' * (workers > 1)} ...")
    with tempfile.TemporaryDirectory(prefix="khabar-engine-") as tmp:
        seconds, (summary, output, errors_path) = best_of(
            lambda: process_once(data, limit, executor, Path(tmp)), repeat
        )
        row = Row(
            label,
            workers,
            startup,
            seconds,
            summary.written,
            summary.errors,
            sha256(output),
            sha256(errors_path),
        )
    log(f"  {seconds:,.1f} s, {summary.written:,} written, {summary.errors:,} errors")
    return row


def ray_rows(
    worker_counts: Iterable[int], data: Path, limit: int | None, repeat: int, log: Callable[[str], None]
) -> tuple[list[Row], str | None]:
    """The Ray rows, a fresh local Ray instance per worker count; or why there are none."""
    try:
        import ray
    except ImportError:
        return [], "Ray is not installed (pip install 'khabar[ray]')"
    rows = []
    for workers in worker_counts:
        if ray.is_initialized():
            ray.shutdown()
        log(f"starting Ray with {workers} CPU{'s' * (workers > 1)} ...")
        try:
            startup, executor = best_of(lambda w=workers: make_executor("ray", w))
        except EngineError as exc:
            return rows, str(exc)
        rows.append(measure("ray", workers, startup, executor, data, limit, repeat, log))
    ray.shutdown()
    return rows, None


def table(rows: list[Row], articles: int) -> str:
    """The markdown table: speed-up over the in-process row, and over the same executor with 1 worker."""
    base = rows[0]
    ones = {r.executor: r for r in rows if r.workers == 1}
    ones["local"] = ones.get("local (1 spawned process)", base)
    head = [
        "executor",
        "workers",
        "start-up s",
        "wall s",
        "articles/s",
        "× in-process",
        "× same executor, 1 worker",
        "output identical",
    ]
    lines = ["| " + " | ".join(head) + " |", "|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        one = ones.get(r.executor, base)
        cells = [
            r.executor,
            str(r.workers),
            "—" if r.startup is None else f"{r.startup:.1f}",
            f"{r.seconds:.1f}",
            f"{r.rate(articles):,.0f}",
            f"{base.seconds / r.seconds:.2f}",
            f"{one.seconds / r.seconds:.2f}",
            "yes" if identical(r, base) else "**NO**",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def identical(row: Row, base: Row) -> bool:
    return (row.output_sha, row.errors_sha, row.written, row.errors) == (
        base.output_sha,
        base.errors_sha,
        base.written,
        base.errors,
    )


def goals(rows: list[Row]) -> list[str]:
    """Each goal with its figure and whether it is met; a goal without its rows is said to be unmeasured."""
    by = {(r.executor, r.workers): r for r in rows}
    inproc, pool1, local2 = (
        by.get(("in-process", 1)),
        by.get(("local (1 spawned process)", 1)),
        by.get(("local", 2)),
    )
    ray1, ray2 = by.get(("ray", 1)), by.get(("ray", 2))

    def met(ok: bool) -> str:
        return "met" if ok else "NOT met"

    out = []
    if local2 and inproc:
        x = inproc.seconds / local2.seconds
        out.append(
            f"local 1 -> 2 workers (in-process -> 2 processes, as `--workers 1` -> `--workers 2`): "
            f"{x:.2f}x (goal >= {SPEEDUP_GOAL}x: {met(x >= SPEEDUP_GOAL)})"
        )
    if local2 and pool1:
        x = pool1.seconds / local2.seconds
        out.append(
            f"local 1 -> 2 spawned processes: {x:.2f}x (goal >= {SPEEDUP_GOAL}x: {met(x >= SPEEDUP_GOAL)})"
        )
    if ray1 and ray2:
        x = ray1.seconds / ray2.seconds
        out.append(f"ray 1 -> 2 workers: {x:.2f}x (goal >= {SPEEDUP_GOAL}x: {met(x >= SPEEDUP_GOAL)})")
    if ray2 and local2:
        x = ray2.seconds / local2.seconds
        with_startup = (ray2.seconds + (ray2.startup or 0.0)) / local2.seconds
        out.append(
            f"ray / local at 2 workers (wall): {x:.2f} (goal <= {RAY_WITHIN:.2f}: {met(x <= RAY_WITHIN)}); "
            f"with Ray's start-up: {with_startup:.2f}"
        )
    elif local2:
        out.append("ray / local at 2 workers: not measured (no Ray rows)")
    return out


def machine_lines(load_start: float, load_end: float) -> list[str]:
    try:
        import ray

        ray_version = ray.__version__
    except ImportError:
        ray_version = "not installed"
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = ""
    return [
        f"- CPUs: {os.cpu_count()} ({platform.processor() or platform.machine()})",
        f"- load average (1 min): {load_start:.2f} at the start, {load_end:.2f} at the end",
        f"- OS: {platform.platform()}",
        f"- Python {platform.python_version()}, khabar {khabar.__version__}"
        + (f" (commit {commit})" if commit else "")
        + f", Ray {ray_version}",
    ]


def reproduce_args(args: argparse.Namespace) -> list[str]:
    """The flags that change the figures (not ``--note``, nor ``--out`` to the default report)."""
    flags = [] if args.limit is None else ["--limit", str(args.limit)]
    flags += [] if args.repeat == 1 else ["--repeat", str(args.repeat)]
    flags += ["--no-ray"] if args.no_ray else []
    return flags + ([] if args.out == DEFAULT_OUT else ["--out", str(args.out)])


def render(
    args: argparse.Namespace,
    rows: list[Row],
    articles: int,
    read_errors: int,
    ray_skipped: str | None,
    load: tuple[float, float],
) -> str:
    command = " ".join(["python", "benchmarks/engine.py", *map(shlex.quote, reproduce_args(args))])
    same = all(identical(r, rows[0]) for r in rows)
    parts = [
        "# khabar executors — SaudiNewsNet through each engine",
        f"Reproduce: `.venv/bin/{command}` (data: `$KHABAR_SHARED/data/saudinewsnet`, default `../shared`; "
        "Ray: `pip install 'khabar[ray]'`).",
    ]
    if args.note:
        parts.append(f"**{args.note}**")
    parts += [
        f"Input: the first **{articles:,} articles** of the daily zips (and the read errors among them, "
        f"{read_errors:,}, which go to the errors file). Each row does the whole `khabar process` path: read the "
        "zips, refine and enrich every article (all stages, batches of 32), write JSON Lines and the errors "
        f"file to a temporary folder. Wall seconds, best of {args.repeat}. Ray's start-up (`ray.init` of a "
        "local instance with as many CPUs as workers, once per worker count) is timed apart; the local "
        "executor starts its pool of spawned processes inside its run, as `khabar process` does, so that is "
        "in its wall time. `local (1 spawned process)` is the local executor's pool with one process: "
        "`--workers 1` itself runs in-process.",
        "## Speed (timings vary run to run)",
        table(rows, articles),
        "## Goals",
        "\n".join(f"- {g}" for g in goals(rows)),
        "## Same output",
        (
            f"Every output and errors file is byte-identical to the in-process run ({len(rows)} runs)."
            if same
            else "**Outputs differ between executors** (see the table)."
        )
        + f" sha256 of the output: `{rows[0].output_sha}`.",
    ]
    if ray_skipped:
        parts.append(f"Ray rows: none ({ray_skipped}).")
    parts += ["## Machine", "\n".join(machine_lines(*load))]
    return "\n\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, help="the first N articles only (default: all)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per row, the fastest kept (default 1)")
    ap.add_argument("--no-ray", action="store_true", help="leave out the Ray rows (Ray starts in ~5-10 s)")
    ap.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"the report (default {DEFAULT_OUT.relative_to(REPO)})"
    )
    ap.add_argument("--note", help="a line for the top of the report (say, the machine was loaded)")
    args = ap.parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    data = saudinewsnet_dir()
    if not data.is_dir():
        print(f"SaudiNewsNet not found at {data}: set KHABAR_SHARED to the shared/ folder. Nothing to do.")
        return 0

    load_start = os.getloadavg()[0]
    stream = list(first_articles(data, args.limit))  # counted once, outside the timings
    articles = sum(isinstance(item, RawRecord) for item in stream)
    read_errors = len(stream) - articles
    del stream
    log(f"{articles:,} articles ({read_errors:,} read errors), {os.cpu_count()} CPUs, load {load_start:.2f}")

    local_rows = [
        ("in-process", 1, InProcessExecutor()),
        ("local (1 spawned process)", 1, OneProcessExecutor()),
        ("local", 2, make_executor("local", 2)),
    ]
    rows = [measure(label, n, None, ex, data, args.limit, args.repeat, log) for label, n, ex in local_rows]
    ray_skipped: str | None = "--no-ray"
    if not args.no_ray:
        found, ray_skipped = ray_rows((1, 2), data, args.limit, args.repeat, log)
        rows += found
    load = (load_start, os.getloadavg()[0])

    print()
    print(f"{articles:,} SaudiNewsNet articles through each executor (load {load[0]:.2f} -> {load[1]:.2f})\n")
    print(table(rows, articles))
    print()
    for line in goals(rows):
        print(line)
    same = all(identical(r, rows[0]) for r in rows)
    print(f"outputs byte-identical: {'yes' if same else 'NO'} ({len(rows)} runs)")
    if ray_skipped:
        print(f"ray: skipped ({ray_skipped})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_name(args.out.name + ".tmp")
    tmp.write_text(render(args, rows, articles, read_errors, ray_skipped, load), encoding="utf-8")
    tmp.replace(args.out)
    print(f"report written to {args.out}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
