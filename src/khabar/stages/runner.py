"""The one runner: ``run(source, stages, sink, executor)``, behind ``khabar process``, ``khabar dedup``'s
reading, ``refine_many`` and the API.

The source is a stream of inputs (reader records and read errors, texts or dicts); it is cut into batches
that the executor maps, in order, through ``StageChain`` (every stage over the batch, in the worker); the
results go to the sink (a writer of ``khabar.io.writers``) or, for ``iter_run``, back to the caller. An
item a stage fails on becomes a ``Failed`` value and the rest of its batch goes on; the caller reports it
and writes it to the errors file, so nothing is lost. Each batch brings back its per-stage stats.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from khabar.engine import Executor, batched, make_executor
from khabar.io.base import RawRecord, ReadError
from khabar.io.writers import ErrorWriter, json_line
from khabar.record import Article
from khabar.stages import OPTIONAL_STAGES, build_stages
from khabar.text.display import path_text

# Articles per batch: the tagger's cost is mostly per token position (Viterbi steps), so tagging the
# sentences of many articles at once is cheaper per article; 32 measured as good as more.
BATCH_SIZE = 32
# Inputs per shard of a resumable run: a checkpoint (two fsyncs and a small file) after each.
SHARD_BATCHES = 16


@dataclass(frozen=True, slots=True)
class Failed:
    """An input a stage could not process: where it came from, why, and its raw text."""

    file: str
    record: int | None
    reason: str
    raw: str


class RefineError(ValueError):
    """An input ``refine_many`` could not refine (``khabar process`` reports such inputs and goes on)."""


@dataclass(slots=True)
class StageStats:
    """One stage's work in a run: articles in and out, items it failed on, and seconds (summed over
    the workers, so with several workers more than the wall time)."""

    name: str
    articles_in: int = 0
    articles_out: int = 0
    errors: int = 0
    seconds: float = 0.0

    def add(self, other: StageStats) -> None:
        self.articles_in += other.articles_in
        self.articles_out += other.articles_out
        self.errors += other.errors
        self.seconds += other.seconds

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "seconds": round(self.seconds, 3)}


@dataclass
class RunStats:
    """What a run did: records read from the source, articles written, errors, and per-stage stats."""

    read: int = 0
    written: int = 0
    errors: int = 0
    stages: dict[str, StageStats] = field(default_factory=dict)

    def add_stages(self, stats: Iterable[StageStats]) -> None:
        for s in stats:
            self.stages.setdefault(s.name, StageStats(s.name)).add(s)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> RunStats:
        stats = cls(d["read"], d["written"], d["errors"])
        stats.add_stages(StageStats(**s) for s in d["stages"])
        return stats

    def stages_text(self) -> str:
        """One line: each stage's articles in → out, errors and seconds."""
        return "stages: " + "; ".join(
            f"{s.name} {s.articles_in:,}→{s.articles_out:,}"
            + (f" ({s.errors:,} failed)" if s.errors else "")
            + f" {s.seconds:,.1f} s"
            for s in self.stages.values()
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "written": self.written,
            "errors": self.errors,
            "stages": [s.as_dict() for s in self.stages.values()],
        }


def write_stats(path: str | Path, stats: dict[str, Any]) -> None:
    """``--stats FILE``: the run's stats as JSON."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(stats, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def failed_input(item: Any, reason: str) -> Failed:
    """``item`` (a reader record, a text or a dict) as a failure, its raw text kept (up to 2,000 chars)."""
    if isinstance(item, RawRecord):
        return Failed(item.origin_file, item.origin_record, reason, item.text[:2000])
    if isinstance(item, str):
        return Failed("<input>", None, reason, item[:2000])
    if isinstance(item, Mapping):
        return Failed("<input>", None, reason, str(item.get("text") or item.get("content") or "")[:2000])
    return Failed("<input>", None, reason, repr(item)[:2000])


def rejected(article: Article, reason: str) -> Failed:
    """An article a writer could not store, as a failure whose ``raw`` is the whole record (JSON)."""
    file, _, record = article.meta.get("origin", article.id).rpartition(":")
    raw = json_line(article.to_dict()).decode("utf-8").rstrip("\n")
    return Failed(file or article.id, int(record) if record.isdigit() else None, reason, raw)


@dataclass(frozen=True, slots=True)
class StageChain:
    """The map function of a run: every stage over one batch, in a worker. Read errors pass through;
    a stage that raises on the batch is called again on each item alone, so a bad item fails alone
    (its ``Failed`` keeps the input's origin and raw text) and the others are the same as in a batch."""

    stages: tuple[Any, ...]

    def __call__(self, batch: list[Any]) -> tuple[list[Any], list[StageStats]]:
        out: list[Any] = list(batch)
        live = [i for i, item in enumerate(batch) if not isinstance(item, ReadError)]
        stats = []
        for stage in self.stages:
            t0 = time.perf_counter()
            st = StageStats(stage.name, articles_in=len(live))
            done: list[tuple[int, Any]]
            try:
                results = stage([out[i] for i in live])
                if len(results) != len(live):
                    raise RuntimeError(
                        f"stage {stage.name} gave {len(results)} results for {len(live)} items"
                    )
                done = list(zip(live, results, strict=True))
            except Exception:  # find the item at fault; a bug must not lose the rest of the corpus
                done = []
                for i in live:
                    try:
                        done.append((i, stage([out[i]])[0]))
                    except Exception as exc:
                        out[i] = failed_input(batch[i], f"refine failed: {exc!r}")
                        st.errors += 1
            for i, result in done:
                out[i] = result
            live = [i for i, _ in done]
            st.articles_out = len(live)
            st.seconds = time.perf_counter() - t0
            stats.append(st)
        return out, stats


def iter_run(
    source: Iterable[Any],
    stages: Sequence[Any],
    executor: Executor | None = None,
    *,
    batch_size: int = BATCH_SIZE,
    stats: RunStats | None = None,
) -> Iterator[Article | ReadError | Failed]:
    """Every item of ``source`` through ``stages``, one result per item, in input order whatever the
    executor: an article, or the read error or failure that took its place. ``stats`` (if given)
    gathers the per-stage stats."""
    chain = StageChain(tuple(stages))
    for results, batch_stats in (executor or make_executor()).map(chain, batched(source, batch_size)):
        if stats is not None:
            stats.add_stages(batch_stats)
        yield from results


class Sink(Protocol):
    def write(self, article: Article) -> None: ...
    def close(self) -> None: ...


class ErrorReport:
    """Where failures go: counted, told through ``on_error`` (file:record: reason) and written to the
    errors file (see ``khabar.io.writers.ErrorWriter``)."""

    def __init__(
        self, errors_path: str | None, on_error: Callable[[str], None], resume_at: int | None = None
    ) -> None:
        self.errors_path = errors_path
        self.count = 0
        self.rejected = 0  # articles a sink refused after they were counted as written
        self._on_error = on_error
        self._out = ErrorWriter(errors_path, resume_at)

    @property
    def bytes_written(self) -> int:
        return self._out.bytes_written

    def sync(self) -> None:
        self._out.sync()

    def __call__(self, failure: ReadError | Failed) -> None:
        self.count += 1
        file = path_text(failure.file)
        self._on_error(f"{file if failure.record is None else f'{file}:{failure.record}'}: {failure.reason}")
        self._out.write(failure.file, failure.record, failure.reason, failure.raw)

    def reject(self, article: Article, why: str) -> None:
        """A sink's ``on_reject``: an article it could not store goes to the errors file."""
        self.rejected += 1
        self(rejected(article, why))

    def close(self) -> None:
        self._out.close()


class ResumeError(ValueError):
    """A run that cannot be resumed (stdout, another format, other inputs or options): a usage error."""


@dataclass
class Checkpoint:
    """A resumable run's state file (``OUT.partial.state``), rewritten atomically after each shard of
    ``every`` inputs (in input order, so the same shards whatever the executor): inputs consumed, the
    output's and the errors file's byte lengths then, the stats so far (``extra``: the caller's), and a
    fingerprint of the inputs and options. ``resumed``: the state a ``--resume`` run starts from."""

    path: Path
    fingerprint: str
    every: int = BATCH_SIZE * SHARD_BATCHES
    resumed: dict[str, Any] | None = None
    extra: Callable[[], dict[str, Any]] = dict

    @staticmethod
    def load(path: Path) -> dict[str, Any] | None:
        """The saved state, or None when there is none (or it cannot be read: then nothing is trusted)."""
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return state if isinstance(state, dict) and state.get("version") == 1 else None

    def save(self, consumed: int, output_bytes: int, errors_bytes: int, stats: dict[str, Any]) -> None:
        state = {
            "version": 1,
            "fingerprint": self.fingerprint,
            "shard": self.every,
            "consumed": consumed,
            "output_bytes": output_bytes,
            "errors_bytes": errors_bytes,
            "stats": stats,
            "extra": self.extra(),
        }
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(json.dumps(state, ensure_ascii=False, sort_keys=True))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)  # a kill leaves the old state or the new one, never half of one
        dir_fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def run(
    source: Iterable[Any],
    stages: Sequence[Any],
    sink: Sink,
    executor: Executor | None = None,
    *,
    errors: ErrorReport,
    on_written: Callable[[Article], None] | None = None,
    on_record: Callable[[], None] | None = None,
    batch_size: int = BATCH_SIZE,
    checkpoint: Checkpoint | None = None,
) -> RunStats:
    """Run ``source`` through ``stages`` on ``executor`` into ``sink``; failures (read errors, items a
    stage failed on, articles the sink cannot store) go to ``errors`` and the run goes on. The sink and
    ``errors`` are closed at the end, whatever ends the run; the sink is completed (``close``) only
    when the run is, else aborted (``abort``) when it can be. ``checkpoint``: save the state after each
    shard, and with ``checkpoint.resumed`` skip the inputs consumed before (read past, not refined)
    and go on from its counts (the sink and ``errors`` are opened at its byte lengths by the caller)."""
    resumed = checkpoint.resumed if checkpoint else None
    stats = RunStats.from_dict(resumed["stats"]) if resumed else RunStats()
    consumed = resumed["consumed"] if resumed else 0
    read_done = stats.read  # inputs read whose results are written (stats.read runs ahead of them)
    written = stats.written + (resumed["stats"]["rejected"] if resumed else 0)
    if resumed:
        source = islice(source, consumed, None)
        errors.count, errors.rejected = stats.errors, resumed["stats"]["rejected"]

    def counted(items: Iterable[Any]) -> Iterator[Any]:
        for item in items:
            stats.read += not isinstance(item, ReadError)
            yield item

    every = checkpoint.every if checkpoint else 0
    if every % batch_size:  # a shard must end where a batch does, so its stage stats are whole
        raise ValueError(f"shard size {every} is not a multiple of the batch size {batch_size}")
    complete = False
    try:
        for result in iter_run(counted(source), stages, executor, batch_size=batch_size, stats=stats):
            consumed += 1
            if isinstance(result, Article):
                read_done += 1
                try:
                    sink.write(result)
                except Exception as exc:  # a record the writer cannot store must not stop the run
                    errors(rejected(result, f"cannot be written: {exc!r}"))
                else:
                    written += 1
                    if on_written:
                        on_written(result)
            else:
                read_done += not isinstance(result, ReadError)
                errors(result)
            if on_record:
                on_record()
            if checkpoint and consumed % every == 0:
                sink.sync()  # type: ignore[attr-defined]
                errors.sync()
                so_far = RunStats(read_done, written - errors.rejected, errors.count, stats.stages)
                done = {**so_far.as_dict(), "rejected": errors.rejected}
                out_bytes = sink.bytes_written  # type: ignore[attr-defined]
                checkpoint.save(consumed, out_bytes, errors.bytes_written, done)
        complete = True
    finally:
        try:
            if complete or not hasattr(sink, "abort"):
                sink.close()
            else:
                sink.abort()
        finally:
            errors.close()
    if checkpoint:
        checkpoint.remove()  # the output is complete under its name: nothing is left to resume
    stats.read = read_done
    stats.written = written - errors.rejected
    stats.errors = errors.count
    return stats


def refine_many(
    items: Iterable[Any],
    *,
    workers: int = 1,
    batch_size: int = BATCH_SIZE,
    stages: Iterable[str] | None = None,
    published_default: str | None = None,
) -> Iterator[Article]:
    """Refine a stream of texts, dicts (``text``/``content`` plus metadata) or reader records.
    Output order is input order whatever ``workers`` is, so runs are reproducible. Articles are enriched
    ``batch_size`` at a time (the entity tagger is cheaper per article on many at once); a worker gets
    one batch at a time. ``stages``: the optional stages (default all). An input that cannot be refined
    raises ``RefineError`` (``khabar process`` reports such inputs and goes on)."""
    chosen = build_stages(OPTIONAL_STAGES if stages is None else stages, published_default)
    for result in iter_run(items, chosen, make_executor("local", workers), batch_size=batch_size):
        if isinstance(result, Failed):
            raise RefineError(result.reason)
        yield result  # type: ignore[misc]
