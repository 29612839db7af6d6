"""The ``khabar`` command line. Each subcommand mirrors a function of the Python API.

Exit codes: 0 all records fine; 1 some records failed (each reported on stderr with its file
and record number, and written to the errors file); 2 usage error; 70 internal error (a bug: a
short message, the traceback with --debug or KHABAR_DEBUG=1); 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from khabar import __version__
from khabar.api import process
from khabar.dedup.config import DedupConfig
from khabar.engine import ENGINES, EngineError
from khabar.io.base import DEFAULT_MAX_CHARS, FieldMap
from khabar.io.records import is_records_file, read_articles
from khabar.record import Article
from khabar.restore import RestoreError, restore
from khabar.stages import REGISTRY

EXIT_OK, EXIT_RECORD_ERRORS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 70, 130
EXIT_CODES_HELP = (
    "exit codes: 0 all records fine; 1 some records failed (each reported, and written to the errors "
    "file); 2 usage error; 70 internal error (rerun with --debug for the traceback); 130 interrupted"
)


class UsageError(Exception):
    """Bad settings found after parsing (exit code 2, like argparse's own errors)."""


def _field_map(args: argparse.Namespace) -> FieldMap:
    given = {
        name: tuple(v.strip() for v in value.split(","))
        for name in ("id", "text", "title", "url", "published", "source")
        if (value := getattr(args, f"{name}_field"))
    }
    return FieldMap(**given)


def _cmd_process(args: argparse.Namespace) -> int:
    if args.dedup:
        return _cmd_dedup(args)
    from rich.console import Console

    from khabar.api import ResumeError

    console = Console(stderr=True)
    _check_output(args)
    try:
        with _progress(args, console, "refining") as tick:
            summary = process(
                args.paths,
                args.output,
                **_input_kwargs(args, console),
                on_record=tick,
                resume=args.resume,
                on_notice=_notice_printer(args),
            )
    except ResumeError as exc:  # stdout, another format, other inputs or options: nothing was written
        raise UsageError(str(exc)) from None
    return _finish(args, console, summary)


def _notice_printer(args: argparse.Namespace) -> Callable[[str], None]:
    """Notes on the run (resuming, replacing an interrupted run's output) on stderr, not with -q."""
    if args.quiet:
        return lambda msg: None
    return lambda msg: print(f"khabar: {msg}", file=sys.stderr)


@contextmanager
def _progress(args: argparse.Namespace, console: Any, what: str) -> Iterator[Callable[..., None]]:
    """A ``tick(n=1)`` for records done: a rich bar on a terminal, plain lines every
    --progress-every seconds with --progress on any other stderr, nothing with -q."""
    if args.quiet or not (args.progress or console.is_terminal):
        yield lambda n=1: None
        return
    if not console.is_terminal:
        plain = PlainProgress(what, args.progress_every)
        yield plain.tick
        plain.done()
        return
    from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    progress = Progress(
        SpinnerColumn(),
        TextColumn(what, markup=False),
        MofNCompleteColumn(),
        TextColumn("[dim]{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    with progress:
        task = progress.add_task(what, total=None, rate="")

        def tick(n: int = 1) -> None:
            progress.advance(task, n)
            done = progress.tasks[0].completed
            elapsed = progress.tasks[0].elapsed or 0.0
            if elapsed and done % 64 < n:
                progress.update(task, rate=f"{done / elapsed:,.0f} articles/s")

        yield tick


def _finish(args: argparse.Namespace, console: Any, summary: Any) -> int:
    if not args.quiet:
        console.print(summary.as_text(), markup=False, highlight=False, soft_wrap=True)
    return EXIT_RECORD_ERRORS if summary.errors else EXIT_OK


class PlainProgress:
    """Progress for a stderr that is not a terminal: one plain line every ``every`` seconds. The
    clock only paces these lines; nothing written to the output depends on it."""

    def __init__(self, what: str, every: float) -> None:
        self.what, self.every, self.count = what, every, 0
        self.start = time.monotonic()
        self.next_at = self.start + every

    def tick(self, n: int = 1) -> None:
        self.count += n
        now = time.monotonic()
        if now >= self.next_at:
            self.next_at = now + self.every
            self._line(now)

    def _line(self, now: float) -> None:
        elapsed = now - self.start
        rate = self.count / elapsed if elapsed else 0.0
        print(f"khabar: {self.what} {self.count:,} records, {rate:,.0f}/s, {elapsed:,.0f} s", file=sys.stderr)

    def done(self) -> None:
        self._line(time.monotonic())


def _check_output(args: argparse.Namespace) -> None:
    """An unknown output extension is a usage error before anything is read or written."""
    from khabar.io.writers import OutputError, output_format

    try:
        output_format(args.output, getattr(args, "format", None))
    except OutputError as exc:
        raise UsageError(str(exc)) from None


def _input_kwargs(args: argparse.Namespace, console: Any) -> dict[str, Any]:
    """The options ``process`` and ``dedup`` share, from the flags ``_input_options`` adds."""
    return {
        "errors": args.errors,
        "workers": args.workers,
        "engine": args.engine,
        "ray_address": args.ray_address,
        "stats": args.stats,
        "field_map": _field_map(args),
        "max_chars": args.max_chars,
        "input_format": args.input_format,
        "stages": _stages(args),
        "published": _published(args),
        "on_error": _error_printer(args, console),
    }


def _error_printer(args: argparse.Namespace, console: Any) -> Any:
    """Each bad record on stderr (its name escaped: a path may hold ``[``/``]``, which rich would read
    as markup). With -q, not when an errors file holds them: there they are not lost."""
    from rich.markup import escape

    from khabar.api import default_errors_path

    if args.quiet and (args.errors or default_errors_path(args.output)):
        return lambda msg: None
    return lambda msg: console.print(f"[red]error[/red] {escape(msg)}", highlight=False, soft_wrap=True)


def _stages(args: argparse.Namespace) -> tuple[str, ...]:
    """The optional stages not switched off by their ``--no-NAME`` flag."""
    return tuple(s.name for s in REGISTRY if s.optional and not getattr(args, f"no_{s.name}", False))


def _published(args: argparse.Namespace) -> str | None:
    value = getattr(args, "published", None)
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise UsageError(f"--published: not an ISO date (YYYY-MM-DD): {value!r}") from None


def _dedup_config(args: argparse.Namespace) -> DedupConfig:
    given = {
        name: value
        for name in ("threshold", "containment", "ngram", "num_perm", "bands", "rows")
        if (value := getattr(args, name, None)) is not None
    }
    try:
        return DedupConfig(**given)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _cmd_dedup(args: argparse.Namespace) -> int:
    from rich.console import Console

    from khabar.dedup.index import DedupIndexError
    from khabar.dedup.run import dedup
    from khabar.stages.runner import RunStats

    console = Console(stderr=True)
    _check_output(args)
    if args.resume:  # the output is still written to OUT.partial and renamed when complete
        raise UsageError("--resume is not supported for dedup yet (rerun without it)")
    run_stats = RunStats()
    try:
        with _progress(args, console, "reading") as tick:
            report = dedup(
                args.paths,
                args.output,
                config=_dedup_config(args),
                index=args.index,
                drop_duplicates=args.drop_duplicates,
                report=args.report,
                on_progress=tick,
                run_stats=run_stats,
                **_input_kwargs(args, console),
            )
    except DedupIndexError as exc:  # other settings, damaged, or locked: a clear message, exit 2
        raise UsageError(str(exc)) from None
    code = _finish(args, console, report)
    if not args.quiet:
        console.print(run_stats.stages_text(), markup=False, highlight=False, soft_wrap=True)
    return code


def _load_for_show(
    path: str, record: int | None, article_id: str | None, input_format: str = "auto"
) -> Article | None:
    """A khabar record from a records file, or a raw input refined on the fly."""
    from khabar.api import RefineRecord
    from khabar.io.base import RawRecord
    from khabar.io.discover import read_paths

    if is_records_file(path):
        for n, article in enumerate(read_articles(path), start=1):
            if (article_id and article.id == article_id) or (not article_id and n == (record or 1)):
                return article
        return None
    n = 0
    for rec in read_paths([path], fmt=input_format):
        if isinstance(rec, RawRecord):
            n += 1
            if (article_id and rec.id == article_id) or (not article_id and n == (record or 1)):
                result = RefineRecord()(rec)
                return result if isinstance(result, Article) else None
    return None


def _cmd_show(args: argparse.Namespace) -> int:
    from khabar.show import render

    article = _load_for_show(args.file, args.record, args.id, args.input_format)
    if article is None:
        print(f"khabar show: no such record in {args.file}", file=sys.stderr)
        return EXIT_RECORD_ERRORS
    render(article)
    return EXIT_OK


def _restore_items(path: str) -> Iterator[tuple[int, Article | str, str | None]]:
    """(record number, the article or why it cannot be read, its raw line) for each record of a
    records file; a damaged record is reported in its place and reading goes on."""
    from khabar.io.base import open_binary
    from khabar.io.records import parse_record_line

    if path.lower().endswith(".parquet"):
        n = 0
        try:
            for n, article in enumerate(read_articles(path), start=1):
                yield n, article, None
        except Exception as exc:  # a damaged Parquet file cannot be read past the failure
            yield n + 1, f"cannot read Parquet: {exc}", None
        return
    stream = sys.stdin.buffer if path == "-" else open_binary(path)
    n = 0
    try:
        for n, raw in enumerate(stream, start=1):
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield n, f"not UTF-8: {exc}", raw.decode("utf-8", "replace")[:2000]
                continue
            try:
                yield n, Article.from_dict(parse_record_line(line)), line
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                yield n, f"bad record: {exc}", line[:2000]
    except (OSError, EOFError) as exc:  # truncated compressed file, unreadable disk
        yield n + 1, f"cannot read further: {exc}", None
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _cmd_restore(args: argparse.Namespace) -> int:
    """Each record's original text; a damaged record, or one whose edit log does not verify, is
    reported with its file and line (and written to --errors) and the run goes on."""
    from khabar.io.writers import ErrorWriter, LineOut, json_line

    errors = ErrorWriter(args.errors)
    out = LineOut(args.output or "-")
    try:
        for n, item, raw in _restore_items(args.records):
            if isinstance(item, Article):
                try:
                    out.write(json_line({"id": item.id, "text": restore(item)}))
                    continue
                except RestoreError as exc:
                    reason = str(exc)
            else:
                reason = item
            print(f"khabar: {args.records}:{n}: {reason}", file=sys.stderr)
            errors.write(args.records, n, reason, raw)
    except OSError as exc:
        print(f"khabar: {args.records}: {exc}", file=sys.stderr)
        errors.count += 1
    finally:
        out.close()
        errors.close()
    return EXIT_RECORD_ERRORS if errors.count else EXIT_OK


def _input_format_option(p: argparse.ArgumentParser) -> None:
    from khabar.io.discover import FORMATS

    p.add_argument(
        "--input-format",
        choices=FORMATS,
        default="auto",
        help="read every input (stdin too) as this format; auto: by extension, stdin by content",
    )


def _input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("-o", "--output", help="OUT.jsonl[.gz|.bz2|.xz|.zst] or OUT.parquet (default: stdout)")
    p.add_argument(
        "--errors",
        metavar="FILE",
        help="bad records go here as JSON Lines (default: OUT.errors.jsonl beside -o; with no -o, '-' or "
        "/dev/null they are only reported on stderr)",
    )
    p.add_argument("--workers", type=int, default=1, metavar="N", help="processes to work with (default 1)")
    p.add_argument(
        "--engine",
        choices=ENGINES,
        default="local",
        help="where the workers run: local (processes on this machine) or ray (Ray tasks; pip install "
        "'khabar[ray]'); the output is the same byte for byte",
    )
    p.add_argument(
        "--ray-address",
        metavar="ADDRESS",
        help="with --engine ray: the Ray cluster to run on (auto, or ray://HOST:10001; default: a local "
        "Ray instance with --workers CPUs)",
    )
    p.add_argument(
        "--stats",
        metavar="FILE",
        help="write the run's stats as JSON: records read, written, errors, and for each stage articles "
        "in and out, failures and seconds (summed over workers)",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue an interrupted run from its last completed shard (OUT.partial and its .state "
        "beside -o; plain JSON Lines output only); the output ends the same as an uninterrupted run's",
    )
    p.add_argument(
        "--max-chars",
        type=int,
        default=DEFAULT_MAX_CHARS,
        metavar="N",
        help=f"records with a longer text are errors (default {DEFAULT_MAX_CHARS:,})",
    )
    _input_format_option(p)
    for name, default in (
        ("id", "id"),
        ("text", "text,content"),
        ("title", "title"),
        ("url", "url,link"),
        ("published", "published,date,date_extracted"),
        ("source", "source"),
    ):
        p.add_argument(
            f"--{name}-field",
            metavar="NAMES",
            help=f"input field(s) for {name}, comma-separated (default {default})",
        )
    p.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="nothing on stderr for a clean run: no progress, no summary (bad records still go to the "
        "errors file, or to stderr when there is none)",
    )
    p.add_argument(
        "--progress",
        action="store_true",
        help="show progress even when stderr is not a terminal: a plain line every --progress-every seconds",
    )
    p.add_argument(
        "--progress-every",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="seconds between progress lines when stderr is not a terminal (default 5)",
    )


def _enrich_options(p: argparse.ArgumentParser) -> None:
    e = p.add_argument_group("enrichment (all on by default)")
    for stage in REGISTRY:
        if stage.optional:
            e.add_argument(f"--no-{stage.name}", action="store_true", help=f"skip {stage.what}")
    e.add_argument(
        "--published",
        metavar="DATE",
        help="the date relative dates (اليوم، أمس، الاثنين الماضي …) resolve against when an input has none",
    )


def _dedup_options(p: argparse.ArgumentParser, with_switch: bool) -> None:
    g = p.add_argument_group("deduplication")
    if with_switch:
        g.add_argument(
            "--dedup", action="store_true", help="deduplicate the refined articles (= khabar dedup)"
        )
    g.add_argument("--drop-duplicates", action="store_true", help="write canonical copies only")
    g.add_argument(
        "--report", metavar="FILE.json", help="write the dedup report (JSON, a .txt summary, PNG plots)"
    )
    g.add_argument("--index", metavar="DIR", help="deduplicate against, and add to, this on-disk index")
    d = DedupConfig()
    g.add_argument(
        "--threshold", type=float, help=f"near-duplicate Jaccard threshold (default {d.threshold})"
    )
    g.add_argument(
        "--containment", type=float, help=f"wire-copy containment threshold (default {d.containment})"
    )
    g.add_argument("--ngram", type=int, help=f"shingle size in words (default {d.ngram})")
    g.add_argument("--num-perm", type=int, help=f"MinHash permutations (default {d.num_perm})")
    g.add_argument("--bands", type=int, help=f"LSH bands (default {d.bands})")
    g.add_argument("--rows", type=int, help=f"LSH rows per band (default {d.rows})")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="khabar",
        description="khabar — an Arabic news refinery: repair, parse, deduplicate and log raw Arabic news articles.",
        epilog=EXIT_CODES_HELP,
    )
    parser.add_argument("--version", action="version", version=f"khabar {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="on an internal error, print the traceback (or KHABAR_DEBUG=1)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "process",
        help="refine articles from files into khabar records",
        description="Read articles (.txt, .jsonl/.json, .csv/.tsv, .parquet, .zip; directories, globs, "
        "'-' for stdin; gzip/bz2/xz/zstd) and write one clean khabar record per article.",
    )
    _input_options(p)
    _enrich_options(p)
    _dedup_options(p, with_switch=True)
    p.set_defaults(func=_cmd_process)

    d = sub.add_parser(
        "dedup",
        help="find exact, near and wire-copy duplicates; group articles into stories",
        description="Deduplicate articles (khabar records, or raw inputs, which are refined first). Every "
        "record gets 'story' (the id of its story's canonical copy) and 'duplicate' ({of, kind, "
        "similarity}, or null for canonical and unique articles).",
    )
    _input_options(d)
    _enrich_options(d)
    _dedup_options(d, with_switch=False)
    d.set_defaults(func=_cmd_dedup)

    s = sub.add_parser(
        "show",
        help="print one cleaned article readably",
        description="Print one article: dateline, paragraphs, and what was removed and why. FILE is a "
        "khabar records file or any raw input (refined on the fly).",
    )
    s.add_argument("file", metavar="FILE")
    s.add_argument("-n", "--record", type=int, metavar="N", help="the Nth record (1-based, default 1)")
    s.add_argument("--id", help="the record with this id")
    _input_format_option(s)
    s.set_defaults(func=_cmd_show)

    from khabar.enrich.ner.cli import add_ner_parsers

    add_ner_parsers(sub)

    from khabar.store.commands import add_commands as add_store_commands

    add_store_commands(sub)

    r = sub.add_parser(
        "restore",
        help="rebuild the original input texts from khabar records",
        description='Write one JSON object per record: {"id": ..., "text": <the original input text>}.',
    )
    r.add_argument(
        "records", metavar="RECORDS", help="khabar records (.jsonl[.gz…] or .parquet, '-' for stdin)"
    )
    r.add_argument("-o", "--output", help="write here instead of stdout")
    r.add_argument("--errors", metavar="FILE", help="damaged records also go here as JSON Lines")
    r.set_defaults(func=_cmd_restore)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "workers", 1) < 1:
        parser.error("--workers must be at least 1")
    try:
        return int(args.func(args))
    except (UsageError, EngineError) as exc:
        parser.error(str(exc))
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: a short message and a distinct code, the traceback on request
        if args.debug or os.environ.get("KHABAR_DEBUG"):
            traceback.print_exc()
        else:
            print(
                f"khabar: internal error: {type(exc).__name__}: {exc}\n"
                "khabar: this is a bug; rerun with --debug (or KHABAR_DEBUG=1) for the traceback",
                file=sys.stderr,
            )
        return EXIT_INTERNAL


if __name__ == "__main__":
    raise SystemExit(main())
