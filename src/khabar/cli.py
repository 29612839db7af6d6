"""The ``khabar`` command line. Each subcommand mirrors a function of the Python API.

Exit codes: 0 all records fine; 1 some records failed (each reported on stderr with its file
and record number, and written to the errors file); 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from typing import Any

from khabar import __version__
from khabar.api import process
from khabar.dedup.config import DedupConfig
from khabar.enrich.stage import STAGES
from khabar.io.base import DEFAULT_MAX_CHARS, FieldMap
from khabar.io.records import RecordsFileError, is_records_file, read_articles
from khabar.record import Article, SchemaError
from khabar.restore import RestoreError, restore

EXIT_OK, EXIT_RECORD_ERRORS, EXIT_USAGE = 0, 1, 2


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
    from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    show_progress = not args.quiet and (args.progress or console.is_terminal)
    progress = Progress(
        SpinnerColumn(),
        TextColumn("refining"),
        MofNCompleteColumn(),
        TextColumn("[dim]{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=console,
        disable=not show_progress,
        transient=True,
    )
    with progress:
        task = progress.add_task("refine", total=None, rate="")

        def tick() -> None:
            progress.advance(task)
            done = progress.tasks[0].completed
            elapsed = progress.tasks[0].elapsed or 0.0
            if elapsed and done % 64 == 0:
                progress.update(task, rate=f"{done / elapsed:,.0f} articles/s")

        summary = process(args.paths, args.output, **_input_kwargs(args, console), on_record=tick)
    if not args.quiet:
        console.print(summary.as_text(), highlight=False, soft_wrap=True)
    return EXIT_RECORD_ERRORS if summary.errors else EXIT_OK


def _input_kwargs(args: argparse.Namespace, console: Any) -> dict[str, Any]:
    """The options ``process`` and ``dedup`` share, from the flags ``_input_options`` adds."""
    return {
        "errors": args.errors,
        "workers": args.workers,
        "field_map": _field_map(args),
        "max_chars": args.max_chars,
        "input_format": args.input_format,
        "stages": _stages(args),
        "published": _published(args),
        "on_error": lambda msg: console.print(f"[red]error[/red] {msg}", highlight=False, soft_wrap=True),
    }


def _stages(args: argparse.Namespace) -> tuple[str, ...]:
    return tuple(s for s in STAGES if not getattr(args, f"no_{s}", False))


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

    from khabar.dedup.index import IndexMismatchError
    from khabar.dedup.run import dedup

    console = Console(stderr=True)
    try:
        report = dedup(
            args.paths,
            args.output,
            config=_dedup_config(args),
            index=args.index,
            drop_duplicates=args.drop_duplicates,
            report=args.report,
            **_input_kwargs(args, console),
        )
    except IndexMismatchError as exc:
        raise UsageError(str(exc)) from None
    if not args.quiet:
        console.print(report.as_text(), highlight=False, soft_wrap=True)
    return EXIT_RECORD_ERRORS if report.errors else EXIT_OK


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


def _cmd_restore(args: argparse.Namespace) -> int:
    from khabar.io.writers import open_text_out

    out = open_text_out(args.output or "-")
    failed = 0
    try:
        for n, article in enumerate(read_articles(args.records), start=1):
            try:
                text = restore(article)
            except RestoreError as exc:
                print(f"khabar: {args.records}:{n}: {exc}", file=sys.stderr)
                failed += 1
                continue
            out.write(json.dumps({"id": article.id, "text": text}, ensure_ascii=False) + "\n")
    except (RecordsFileError, SchemaError, OSError) as exc:
        print(f"khabar: {args.records}: not a khabar records file: {exc}", file=sys.stderr)
        failed += 1
    finally:
        if args.output:
            out.close()
        else:
            out.flush()
            out.detach()
    return EXIT_RECORD_ERRORS if failed else EXIT_OK


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
        help="bad records go here as JSON Lines (default: OUT.errors.jsonl beside -o, else khabar-errors.jsonl)",
    )
    p.add_argument("--workers", type=int, default=1, metavar="N", help="processes to work with (default 1)")
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
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")


def _enrich_options(p: argparse.ArgumentParser) -> None:
    e = p.add_argument_group("enrichment (all on by default)")
    for stage, what in (
        ("entities", "people, places and organisations"),
        ("dates", "dates, relative ones resolved"),
        ("numbers", "numbers, percentages and amounts"),
        ("quotes", "quotes and their speakers"),
    ):
        e.add_argument(f"--no-{stage}", action="store_true", help=f"skip {what}")
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
    )
    parser.add_argument("--version", action="version", version=f"khabar {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "process",
        help="refine articles from files into khabar records",
        description="Read articles (.txt, .jsonl/.json, .csv/.tsv, .parquet, .zip; directories, globs, "
        "'-' for stdin; gzip/bz2/xz/zstd) and write one clean khabar record per article.",
    )
    _input_options(p)
    p.add_argument(
        "--progress", action="store_true", help="show the progress bar even when stderr is not a terminal"
    )
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

    r = sub.add_parser(
        "restore",
        help="rebuild the original input texts from khabar records",
        description='Write one JSON object per record: {"id": ..., "text": <the original input text>}.',
    )
    r.add_argument(
        "records", metavar="RECORDS", help="khabar records (.jsonl[.gz…] or .parquet, '-' for stdin)"
    )
    r.add_argument("-o", "--output", help="write here instead of stdout")
    r.set_defaults(func=_cmd_restore)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "workers", 1) < 1:
        parser.error("--workers must be at least 1")
    try:
        return int(args.func(args))
    except UsageError as exc:
        parser.error(str(exc))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
