"""The functional API behind the CLI: ``process`` mirrors ``khabar process`` flag for flag."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from khabar.engine.local import ordered_map_batches
from khabar.enrich.stage import STAGES
from khabar.io.base import DEFAULT_MAX_CHARS, FieldMap, RawRecord, ReadError
from khabar.io.discover import read_paths
from khabar.io.records import read_articles
from khabar.io.writers import ErrorWriter, is_special_output, json_line, open_writer
from khabar.pipeline import RefineJob, _as_input
from khabar.record import Article
from khabar.text.display import path_text

__all__ = ["RefineRecord", "Summary", "process", "read_articles"]

# Articles per batch: the tagger's cost is mostly per token position (Viterbi steps), so tagging the
# sentences of many articles at once is cheaper per article; 32 measured as good as more.
BATCH_SIZE = 32
REPEAT_REASONS = frozenset({"repeated-paragraph", "repeated-body", "repeats-title"})
DISPLAY_REASONS = frozenset(
    {"mojibake", "presentation-form", "invisible-char", "persian-letter", "whitespace"}
)


@dataclass
class Summary:
    """What a run did. ``errors`` counts records that could not be read or refined."""

    read: int = 0
    written: int = 0
    repaired: int = 0  # articles with repeated content removed
    display_repaired: int = 0  # articles with a display repair (encoding, invisibles, forms …)
    datelines: int = 0
    errors: int = 0
    reasons: Counter[str] = field(default_factory=Counter)  # articles per edit reason
    errors_path: str | None = None

    def add(self, article: Article) -> None:
        self.written += 1
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
        if self.errors and self.errors_path:
            lines.append(f"bad records written to {self.errors_path}")
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class _Failed:
    file: str
    record: int | None
    reason: str
    raw: str


@dataclass(frozen=True, slots=True)
class RefineRecord:
    """Refine one reader record in a worker; a failure becomes a value so the run goes on."""

    job: RefineJob = field(default_factory=RefineJob)

    def __call__(self, rec: RawRecord | ReadError) -> Article | ReadError | _Failed:
        if isinstance(rec, ReadError):
            return rec
        try:
            return self.job(_as_input(rec))
        except Exception as exc:  # a bug must not lose the rest of the corpus; the record is kept
            return _failed(rec, exc)

    def batch(self, recs: list[RawRecord | ReadError]) -> list[Article | ReadError | _Failed]:
        """``self`` over each record of a batch: the same results, cheaper per article, as the
        enrichment sees all the batch's articles at once (``RefineJob.enrich``). A record that fails
        still fails alone: on an error the batch is enriched again one article at a time."""
        out: list[Article | ReadError | _Failed] = list(recs)  # read errors pass through
        repaired: list[tuple[int, RawRecord, Article]] = []
        for i, rec in enumerate(recs):
            if isinstance(rec, RawRecord):
                try:
                    repaired.append((i, rec, self.job.repair(_as_input(rec))))
                except Exception as exc:
                    out[i] = _failed(rec, exc)
        try:
            for (i, _, _), article in zip(
                repaired, self.job.enrich([a for _, _, a in repaired]), strict=True
            ):
                out[i] = article
        except Exception:
            for i, rec, article in repaired:
                try:
                    out[i] = self.job.enrich([article])[0]
                except Exception as exc:
                    out[i] = _failed(rec, exc)
        return out


def _failed(rec: RawRecord, exc: Exception) -> _Failed:
    return _Failed(rec.origin_file, rec.origin_record, f"refine failed: {exc!r}", rec.text[:2000])


def _rejected(article: Article, reason: str) -> _Failed:
    """An article a writer could not store, as an error whose ``raw`` is the whole record (JSON)."""
    file, _, record = article.meta.get("origin", article.id).rpartition(":")
    raw = json_line(article.to_dict()).decode("utf-8").rstrip("\n")
    return _Failed(file or article.id, int(record) if record.isdigit() else None, reason, raw)


def default_errors_path(output: str | None) -> str | None:
    """``OUT.errors.jsonl`` beside a file output; ``None`` (errors on stderr only) when the output is
    stdout or a special file such as ``/dev/null``, so no stray file is left in the working directory."""
    if is_special_output(output):
        return None
    assert output is not None
    return str(Path(output).with_suffix("")) + ".errors.jsonl"


def process(
    paths: Sequence[str],
    output: str | None = None,
    *,
    errors: str | None = None,
    workers: int = 1,
    field_map: FieldMap | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    stages: Sequence[str] = STAGES,
    published: str | None = None,
    on_error: Callable[[str], None] | None = None,
    on_record: Callable[[], None] | None = None,
    fmt: str | None = None,
    input_format: str = "auto",
) -> Summary:
    """Read ``paths``, refine and enrich every article and write the records to ``output`` (JSON
    Lines on stdout when ``None``, Parquet for ``.parquet``; ``fmt`` names the format instead of the
    extension; an unknown extension raises OutputError before anything is read). ``errors``: the errors
    file (default: see ``default_errors_path``). ``stages``: the enrichment layers;
    ``published``: the date relative dates resolve against for articles without one. Bad records
    are reported through ``on_error`` (default: stderr) and written to ``errors``; the run goes on."""
    summary = Summary(errors_path=errors or default_errors_path(output))
    report = on_error or (lambda msg: print(f"khabar: {msg}", file=sys.stderr))

    def rejected(article: Article, why: str) -> None:  # by the Parquet writer, after it was counted
        summary.written -= 1
        failed(_rejected(article, why))

    writer = open_writer(output, fmt, on_reject=rejected)
    error_out = ErrorWriter(summary.errors_path)

    def failed(result: ReadError | _Failed) -> None:
        summary.errors += 1
        file = path_text(result.file)
        report(f"{file if result.record is None else f'{file}:{result.record}'}: {result.reason}")
        error_out.write(result.file, result.record, result.reason, result.raw)

    def counted(records: Iterable[RawRecord | ReadError]) -> Iterator[RawRecord | ReadError]:
        for r in records:
            summary.read += isinstance(r, RawRecord)
            yield r

    try:
        records = counted(read_paths(list(paths), field_map=field_map, max_chars=max_chars, fmt=input_format))
        job = RefineRecord(RefineJob(tuple(stages), published))
        for result in ordered_map_batches(job.batch, records, workers=workers, batch_size=BATCH_SIZE):
            if isinstance(result, Article):
                try:
                    writer.write(result)
                except Exception as exc:  # a record the writer cannot store must not stop the run
                    failed(_rejected(result, f"cannot be written: {exc!r}"))
                    continue
                summary.add(result)
            else:
                failed(result)
            if on_record:
                on_record()
    finally:
        writer.close()
        error_out.close()
    return summary
