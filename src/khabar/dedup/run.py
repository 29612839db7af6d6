"""``khabar dedup``: two streaming passes over the input.

Pass 1 is the map (``features``): every article's features, on the executor's workers
(``khabar.engine``). An uncompressed khabar records file is cut into slices that the workers read
and map themselves, so only features come back to the main process; other inputs are read here
(raw ones through the stages, by the runner's ``iter_run``) and their records kept in a spool file
for pass 2. The reduce (``clusters``) clusters all features (with the index's, if any). Pass 2
(``annotate``) streams the records again in the same order — records files re-read, the rest from
the spool — and writes each with its ``story`` and ``duplicate`` to a writer of ``khabar.io.writers``;
the report is written last. Each step's counts and time go to ``--stats``.

With an index, the reduce and pass 2 run inside the index's transaction (see ``dedup.index``):
the batch is added only once its output is written, and a concurrent run on the same index waits
for it. The spool is an anonymous temporary file: it has no name to leave behind, whatever ends
the run (an error, Ctrl-C, SIGTERM or kill -9).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from itertools import islice
from typing import Any, BinaryIO

import numpy as np

from khabar.dedup.cluster import Clusters, find_clusters
from khabar.dedup.config import DedupConfig
from khabar.dedup.features import DedupDoc, FeatureBatch, compute_features, empty_batch
from khabar.dedup.index import DedupIndex
from khabar.dedup.report import DedupReport
from khabar.engine import Executor, make_executor
from khabar.io.base import DEFAULT_MAX_CHARS, FieldMap, ReadError
from khabar.io.discover import iter_files, read_paths
from khabar.io.records import is_records_file, iter_record_dicts, parse_record_line
from khabar.io.writers import default_errors_path, json_line, open_writer
from khabar.record import Article
from khabar.stages import OPTIONAL_STAGES, build_stages
from khabar.stages.runner import ErrorReport, Failed, RunStats, StageStats, iter_run, write_stats

BATCH = 2048


def iter_records(
    paths: Sequence[str],
    *,
    field_map: FieldMap | None,
    max_chars: int,
    executor: Executor,
    stages: Sequence[Any],
    input_format: str = "auto",
    stats: RunStats | None = None,
) -> Iterator[dict[str, Any] | ReadError | Failed]:
    """Every input record as a khabar record dict, in input order; raw inputs go through ``stages`` (the
    runner's ``iter_run``)."""
    for item in iter_files(list(paths)):
        if isinstance(item, ReadError):
            yield item
        elif is_records_file(item):
            yield from iter_record_dicts(item)
        else:
            source = read_paths([item], field_map, max_chars, input_format)
            for result in iter_run(source, stages, executor, stats=stats):
                yield result.to_dict() if isinstance(result, Article) else result


def _doc(d: dict[str, Any]) -> DedupDoc:
    return DedupDoc(d["id"], "\n".join(d["paragraphs"]), d.get("published"), d.get("url"), d.get("source"))


class _FeatureJob:
    """Picklable map function for the worker pool."""

    def __init__(self, config: DedupConfig) -> None:
        self.config = config

    def __call__(self, docs: list[DedupDoc]) -> FeatureBatch:
        return compute_features(docs, self.config)


def _batches(records: Iterator[dict[str, Any]], size: int) -> Iterator[list[DedupDoc]]:
    while chunk := list(islice(records, size)):
        yield [_doc(d) for d in chunk]


SHARD_BYTES = 32 << 20  # a worker's slice of a records file


def _is_plain_records(path: str) -> bool:
    """An uncompressed khabar JSON Lines file: workers can read slices of it themselves."""
    if path == "-" or path.lower().endswith(".parquet") or "!" in path or not is_records_file(path):
        return False
    with open(path, "rb") as f:
        head = f.read(6)
    return not head.startswith((b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"\x28\xb5\x2f\xfd"))


def _shards(path: str, size: int = SHARD_BYTES) -> list[tuple[str, int, int, int]]:
    """(path, start, end, number of the first line) slices cut at line ends."""
    out = []
    with open(path, "rb") as f:
        start, line_no = 0, 1
        while True:
            f.seek(start + size)
            f.readline()  # to the end of the line the cut fell in
            end = f.tell() if start + size < os.fstat(f.fileno()).st_size else os.fstat(f.fileno()).st_size
            if end <= start:
                break
            out.append((path, start, end, line_no))
            f.seek(start)
            line_no += f.read(end - start).count(b"\n")
            start = end
    return out


class _ShardJob:
    """The map over one slice of a records file, read in the worker: only features travel back."""

    def __init__(self, config: DedupConfig) -> None:
        self.config = config

    def __call__(self, shard: tuple[str, int, int, int]) -> tuple[FeatureBatch, list[ReadError]]:
        path, start, end, line_no = shard
        docs: list[DedupDoc] = []
        errors: list[ReadError] = []
        with open(path, "rb") as f:
            f.seek(start)
            for n, raw in enumerate(f.read(end - start).splitlines(), start=line_no):
                if not raw.strip():
                    continue
                try:
                    docs.append(_doc(parse_record_line(raw)))
                except (ValueError, UnicodeDecodeError) as exc:
                    errors.append(
                        ReadError(path, n, f"bad record: {exc}", raw[:2000].decode("utf-8", "replace"))
                    )
        pieces = [compute_features(docs[i : i + BATCH], self.config) for i in range(0, len(docs), BATCH)]
        return FeatureBatch.concat(pieces), errors


def dedup(
    paths: Sequence[str],
    output: str | None = None,
    *,
    config: DedupConfig | None = None,
    index: str | None = None,
    drop_duplicates: bool = False,
    report: str | None = None,
    errors: str | None = None,
    workers: int = 1,
    engine: str = "local",
    ray_address: str | None = None,
    field_map: FieldMap | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    stages: Sequence[str] = OPTIONAL_STAGES,
    published: str | None = None,
    on_error: Callable[[str], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    input_format: str = "auto",
    stats: str | None = None,
    run_stats: RunStats | None = None,
) -> DedupReport:
    """Deduplicate ``paths`` into ``output`` (JSON Lines, stdout when ``None``; Parquet for
    ``.parquet``). See ``khabar dedup --help``. The steps' stats (the stages raw inputs go through,
    then ``features`` (map), ``clusters`` (reduce) and ``annotate``) go to ``stats`` as JSON and into
    ``run_stats`` when given."""
    config = config or DedupConfig()
    run_stats = run_stats if run_stats is not None else RunStats()
    chosen = build_stages(stages, published)  # an unknown stage fails before anything is opened
    executor = make_executor(engine, workers, ray_address)

    times: dict[str, float] = {}
    t0 = time.perf_counter()
    # opened first: a settings mismatch or a damaged index fails before the map
    store = DedupIndex(index, config, on_wait=_tell_waiting) if index else None
    # creates its file on a first error
    failures = ErrorReport(
        errors or default_errors_path(output),
        on_error or (lambda msg: print(f"khabar: {msg}", file=sys.stderr)),
    )
    try:
        # Anonymous (unlinked at once on POSIX, delete-on-close on Windows): nothing to clean up
        # after any ending, kill -9 included. Closed in the finally below.
        spool_file = tempfile.TemporaryFile("w+b", prefix="khabar-dedup-", suffix=".jsonl")  # noqa: SIM115
    except BaseException:
        if store is not None:
            store.close()
        failures.close()
        raise

    def spooled(stream: Iterator[dict[str, Any] | ReadError | Failed]) -> Iterator[dict[str, Any]]:
        for r in stream:
            if isinstance(r, dict):
                spool_file.write(json_line(r))
                items[-1][2] += 1
                if on_progress:  # records read (and refined) in pass 1, for the CLI's progress
                    on_progress(1)
                yield r
            else:
                failures(r)

    # Pass 1, the map. Plain records files are cut into slices that the workers read and map
    # themselves (only features come back); other inputs are read here, refined when raw, and
    # spooled for pass 2. Items keep their order, and so do records within an item.
    items: list[list[Any]] = []  # [path, read from the spool in pass 2, records spooled]
    pieces: list[FeatureBatch] = []
    try:
        job, shard_job = _FeatureJob(config), _ShardJob(config)
        for item in iter_files(list(paths)):
            if isinstance(item, ReadError):
                failures(item)
            elif _is_plain_records(item):
                items.append([item, False, 0])
                for batch, bad in executor.map(shard_job, _shards(item)):
                    pieces.append(batch)
                    if on_progress:
                        on_progress(len(batch))
                    for e in bad:
                        failures(e)
            else:
                items.append([item, True, 0])
                records = spooled(
                    iter_records(
                        [item],
                        field_map=field_map,
                        max_chars=max_chars,
                        executor=executor,
                        stages=chosen,
                        input_format=input_format,
                        stats=run_stats,
                    )
                )
                pieces += executor.map(job, _batches(records, BATCH))
        new = FeatureBatch.concat(pieces, consume=True)
        spool_file.flush()
        times["map"] = time.perf_counter() - t0
        run_stats.add_stages([StageStats("features", len(new), len(new), 0, times["map"])])

        t1 = time.perf_counter()
        combined, clusters, base = _cluster_against(store, new, config)
        times["reduce"] = time.perf_counter() - t1

        t2 = time.perf_counter()
        canonical_ids = [combined.ids[int(c)] for c in clusters.canonical]
        rep = DedupReport.build(
            combined.ids[base:],
            combined.sources[base:],
            {},
            canonical_ids[base:],
            clusters.duplicate[base:],
            digests=int(np.count_nonzero(clusters.digest[base:])),
        )
        run_stats.add_stages([StageStats("clusters", len(combined), rep.stories, 0, times["reduce"])])
        wanted_titles = {s["story"] for s in rep.largest}
        titles: dict[str, str | None] = {}
        second = _second_pass(items, spool_file)
        # as before the runner: any name but .parquet is JSON Lines here (the CLI checks extensions)
        fmt = "parquet" if str(output or "").lower().endswith(".parquet") else "jsonl"
        writer = open_writer(output, fmt, on_reject=failures.reject)  # to OUT.partial, renamed when done
        i = 0
        written_all = False
        try:
            for d in second:
                if not isinstance(d, dict):
                    continue  # already reported in pass 1
                j = base + i
                i += 1
                if d["id"] in wanted_titles and d["id"] == canonical_ids[j]:
                    titles[d["id"]] = d.get("title")
                dup = clusters.duplicate[j]
                d["duplicate"] = dup.to_dict() if dup else None
                d["story"] = canonical_ids[j]
                d["digest"] = int(clusters.digest[j]) or None
                if drop_duplicates and dup:
                    continue
                writer.write_record(d)
                rep.written += 1
            written_all = True
        finally:
            if written_all or not hasattr(writer, "abort"):
                writer.close()
            else:  # a failed or interrupted run leaves no file by the output's name
                writer.abort()
        rep.written -= failures.rejected
        for s in rep.largest:
            s["title"] = titles.get(s["story"])
        if store is not None:
            store.commit(new)  # only now: a run that fails before this leaves the index as it was
        times["write"] = time.perf_counter() - t2
        run_stats.add_stages([StageStats("annotate", i, rep.written, failures.rejected, times["write"])])
        rep.edges, rep.candidates, rep.indexed_before = clusters.edges, clusters.candidates, base
        rep.seconds = {k: round(v, 3) for k, v in times.items()}
        rep.errors = failures.count
        run_stats.read, run_stats.written, run_stats.errors = len(new), rep.written, rep.errors
        if report:
            rep.write(report)
        if stats:
            write_stats(stats, run_stats.as_dict())
        return rep
    finally:
        spool_file.close()
        if store is not None:
            store.close()  # rolls back (and unlocks) if the batch was not committed
        failures.close()


def _tell_waiting(message: str) -> None:
    print(f"khabar: {message}", file=sys.stderr)


def _cluster_against(
    store: DedupIndex | None, new: FeatureBatch, config: DedupConfig
) -> tuple[FeatureBatch, Clusters, int]:
    """The reduce over the index's features (if any) followed by the new ones: the combined
    batch, its clusters, and where the new documents start in it. The index is locked here until
    its ``commit`` or ``close``; indexed articles with an incoming id are left out, since the
    incoming ones replace them (a re-run must not find each article a copy of itself)."""
    old = store.begin(new.ids) if store is not None else empty_batch(config)
    combined = FeatureBatch.concat([old, new]) if len(old) else new
    return combined, find_clusters(combined, config), len(old)


def _second_pass(items: list[list[Any]], spool: BinaryIO) -> Iterator[dict[str, Any] | ReadError]:
    """The records again, in pass 1's order: records files re-read, the rest from the spool."""
    spool.seek(0)
    spooled = (parse_record_line(line) for line in spool)  # lines this run wrote: all records
    for path, from_spool, count in items:
        yield from islice(spooled, count) if from_spool else iter_record_dicts(path)


def dedup_articles(
    articles: Sequence[Article], config: DedupConfig | None = None, *, index: str | None = None
) -> list[Article]:
    """The in-memory form of ``dedup``: the same articles, each annotated with ``story``,
    ``duplicate`` and ``digest``, in the order given."""
    config = config or DedupConfig()
    store = DedupIndex(index, config) if index else None
    try:
        new = compute_features([_doc(a.to_dict()) for a in articles], config)
        combined, clusters, base = _cluster_against(store, new, config)
        out = []
        for i, a in enumerate(articles):
            j = base + i
            out.append(
                replace(
                    a,
                    story=combined.ids[int(clusters.canonical[j])],
                    duplicate=clusters.duplicate[j],
                    digest=int(clusters.digest[j]) or None,
                )
            )
        if store is not None:
            store.commit(new)
        return out
    finally:
        if store is not None:
            store.close()
