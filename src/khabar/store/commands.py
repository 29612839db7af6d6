"""``khabar index``, ``khabar export`` and ``khabar search``: hooks ``khabar.cli`` registers with
``add_commands``. They follow the other commands' conventions: bad records are reported on stderr and
written to an errors file (exit 1), a usage problem (a bad query, a missing store, a bad date) is a clear
message and exit 2, a summary line goes to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from khabar.io.base import ReadError, open_binary
from khabar.io.records import is_records_file, iter_record_dicts, parse_record_line
from khabar.io.writers import ErrorWriter, OutputError, default_errors_path, open_writer, output_format
from khabar.record import SchemaError
from khabar.store.base import MARK_END, MARK_START, Hit, QueryError, SearchFilters, StoreError

EXIT_OK, EXIT_RECORD_ERRORS, EXIT_USAGE = 0, 1, 2
DEFAULT_DB = "khabar.db"


def _usage(command: str, message: str) -> int:
    print(f"khabar {command}: {message}", file=sys.stderr)
    return EXIT_USAGE


def _open(target: str, command: str, readonly: bool) -> Any:
    from khabar import store

    if readonly and "://" not in target and not Path(target).exists():
        raise StoreError(f"{target}: no such store (create it with: khabar index RECORDS --db {target})")
    return store.open(target, readonly=readonly)


Item = tuple[int, dict[str, Any] | ReadError, bytes | None]


def _lines(path: str) -> Iterator[Item]:
    """A JSON Lines records file line by line, each record with its line (stored as it is, so ``export``
    gives the file back byte for byte whatever wrote it); line numbers from 1."""
    with open_binary(path) as stream:
        for n, raw in enumerate(stream, start=1):
            if not raw.strip():
                continue
            line = raw.removeprefix(b"\xef\xbb\xbf") if n == 1 else raw
            try:
                yield n, parse_record_line(line), line
            except (ValueError, UnicodeDecodeError) as exc:
                yield n, ReadError(path, n, f"bad record: {exc}", raw.decode("utf-8", "replace")[:2000]), None


def _records(path: str) -> Iterator[Item]:
    """(record number, record dict or ReadError, its JSON line if any) for each record of a records
    file; a file that cannot be read, or is not khabar records, is one ReadError."""
    if path != "-" and not Path(path).exists():
        yield 0, ReadError(path, None, "no such file"), None
        return
    if not is_records_file(path):
        yield (
            0,
            ReadError(path, None, "not a khabar records file (refine raw articles first: khabar process)"),
            None,
        )
        return
    n = 0
    try:
        if path == "-" or path.lower().endswith(".parquet"):
            for n, item in enumerate(iter_record_dicts(path), start=1):
                yield n, item, None
        else:
            for item in _lines(path):
                n = item[0]
                yield item
    except (OSError, EOFError, ValueError) as exc:  # a truncated compressed file, a damaged Parquet file
        yield n + 1, ReadError(path, n + 1, f"cannot read further: {exc}"), None


def _errors_path(db: str) -> str | None:
    """``DB.errors.jsonl`` beside a store file; for a server URL (``postgresql://user:pw@host/db``),
    ``khabar-index.errors.jsonl`` here: a URL is no path, and its password must not become a file name."""
    if "://" in db and not db.startswith("sqlite:"):
        return "khabar-index.errors.jsonl"
    return default_errors_path(db.removeprefix("sqlite:///"))


def cmd_index(args: argparse.Namespace) -> int:
    try:
        db = _open(args.db, "index", readonly=False)
    except StoreError as exc:
        return _usage("index", str(exc))
    errors = ErrorWriter(args.errors or _errors_path(args.db))
    start = time.monotonic()
    writer = db.writer()
    try:
        for path in args.records:
            for n, item, line in _records(path):
                if isinstance(item, ReadError):
                    reason, raw = item.reason, item.raw
                else:
                    try:
                        if line is None:
                            writer.write_record(item)
                        else:
                            writer.write_record(item, line)
                        continue
                    except (SchemaError, TypeError, ValueError, AttributeError) as exc:
                        reason, raw = f"bad record: {exc}", json.dumps(item, ensure_ascii=False)[:2000]
                print(f"khabar index: {path}:{n or '-'}: {reason}", file=sys.stderr)
                errors.write(path, n or None, reason, raw)
    except StoreError as exc:  # the server went away, the disk filled: said plainly, the open batch lost
        with contextlib.suppress(StoreError):
            writer.abort()
            db.close()
        return _usage("index", f"{exc} (the articles before the last commit are stored)")
    except BaseException:
        writer.abort()
        raise
    finally:
        errors.close()
    try:
        writer.close()
    except StoreError as exc:
        db.close()
        return _usage("index", str(exc))
    seconds = time.monotonic() - start
    stats = db.stats()
    db.close()
    if not args.quiet:
        rate = writer.count / seconds if seconds else 0.0
        print(
            f"indexed {writer.count:,}  errors {errors.count:,}  in store {stats['articles']:,} articles, "
            f"{stats['stories']:,} stories  {seconds:.1f} s ({rate:,.0f} articles/s)",
            file=sys.stderr,
        )
    return EXIT_RECORD_ERRORS if errors.count else EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    try:
        output_format(args.output)
    except OutputError as exc:
        return _usage("export", str(exc))
    try:
        db = _open(args.db, "export", readonly=True)
    except StoreError as exc:
        return _usage("export", str(exc))
    out = open_writer(args.output)
    n = 0
    try:
        export = getattr(db, "export_records", None)
        if export is not None:  # the stored lines themselves: byte for byte
            for record in export():
                out.write_record(record)
                n += 1
        else:
            for article in db.export():
                out.write(article)
                n += 1
    except BaseException:
        abort = getattr(out, "abort", None)
        if abort is not None:
            abort()
        raise
    out.close()
    db.close()
    if not args.quiet:
        print(f"exported {n:,} articles", file=sys.stderr)
    return EXIT_OK


def _filters(args: argparse.Namespace) -> SearchFilters:
    return SearchFilters(
        source=args.source,
        date_from=args.date_from,
        date_to=args.date_to,
        person=args.person,
        place=args.place,
        country=args.country,
        agency=args.agency,
        story=args.story,
        speaker=args.speaker,
    )


def hit_json(hit: Hit) -> dict[str, Any]:
    """A hit as a JSON object: ``snippet`` as plain text and the marked words as ``[start, end)``
    character spans in ``marks``, so a consumer needs neither the control-character markers nor to
    unescape HTML."""
    plain, marks = split_marks(hit.snippet)
    return {
        "id": hit.id,
        "score": hit.score,
        "title": hit.title,
        "source": hit.source,
        "published": hit.published,
        "url": hit.url,
        "story": hit.story,
        "copies": hit.copies,
        "para": hit.para,
        "snippet": plain,
        "marks": marks,
    }


def split_marks(text: str) -> tuple[str, list[list[int]]]:
    """A marked snippet as its plain text and the [start, end) character spans that were marked."""
    plain: list[str] = []
    spans: list[list[int]] = []
    pos = 0
    for i, part in enumerate(text.split(MARK_START)):
        if i == 0:
            plain.append(part)
            pos += len(part)
            continue
        inside, _, after = part.partition(MARK_END)
        spans.append([pos, pos + len(inside)])
        plain += [inside, after]
        pos += len(inside) + len(after)
    return "".join(plain), spans


def _print_hits(result: Any, offset: int) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=True)
    terminal = console.is_terminal
    for rank, hit in enumerate(result.hits, start=offset + 1):
        head = f"{rank}. {hit.title or '(no title)'}"
        facts = [x for x in (hit.source, (hit.published or "")[:10]) if x]
        if hit.copies > 1:
            facts.append(f"{hit.copies} copies in story {hit.story}")
        plain, spans = split_marks(hit.snippet)
        if terminal:
            line = Text(head, style="bold")
            line.append("  " + " · ".join(facts), style="dim")
            console.print(line)
            snippet = Text("   " + plain)
            for s, e in spans:
                snippet.stylize("bold yellow", s + 3, e + 3)
            console.print(snippet)
            console.print(Text(f"   {hit.id}", style="dim"))
        else:
            marked = hit.snippet.replace(MARK_START, "«").replace(MARK_END, "»")
            sys.stdout.write(f"{head}  {' · '.join(facts)}\n   {marked}\n   {hit.id}\n")
    shown = f"{offset + 1}-{offset + len(result.hits)}" if result.hits else "none"
    print(f"{result.total:,} matches; shown {shown}", file=sys.stderr)


def cmd_search(args: argparse.Namespace) -> int:
    if args.limit < 1 or args.offset < 0:
        return _usage("search", "--limit must be at least 1 and --offset at least 0")
    try:
        db = _open(args.db, "search", readonly=True)
    except StoreError as exc:
        return _usage("search", str(exc))
    try:
        result = db.search(
            args.query, limit=args.limit, offset=args.offset, filters=_filters(args), collapse=args.collapse
        )
    except QueryError as exc:
        return _usage("search", str(exc))
    finally:
        db.close()
    if args.json:
        for hit in result.hits:
            sys.stdout.write(json.dumps(hit_json(hit), ensure_ascii=False) + "\n")
    else:
        _print_hits(result, args.offset)
    return EXIT_OK


def _db_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        default=DEFAULT_DB,
        metavar="DB",
        help=f"the store: an SQLite file (default {DEFAULT_DB}) or a postgresql:// URL",
    )


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``index``, ``export`` and ``search`` on the ``khabar`` command's subparsers."""
    i = sub.add_parser(
        "index",
        help="load khabar records into a store (upsert by id) for search",
        description="Load khabar records (JSON Lines or Parquet, as khabar process/dedup write them) into "
        "the store: articles with paragraphs, entities, quotes, dates, numbers, dateline, story and "
        "duplicate, searchable. A record already there (same id) is replaced.",
    )
    i.add_argument("records", nargs="+", metavar="RECORDS")
    _db_option(i)
    i.add_argument(
        "--errors",
        metavar="FILE",
        help="bad records go here (default DB.errors.jsonl beside a --db file; khabar-index.errors.jsonl here for a server URL)",
    )
    i.add_argument("-q", "--quiet", action="store_true", help="no summary line")
    i.set_defaults(func=cmd_index)

    e = sub.add_parser(
        "export",
        help="write every article of a store as khabar records",
        description="Write the store's records in the order first added: the same bytes khabar index read.",
    )
    _db_option(e)
    e.add_argument("-o", "--output", default="-", help="OUT.jsonl[.gz|…] or OUT.parquet (default: stdout)")
    e.add_argument("-q", "--quiet", action="store_true", help="no summary line")
    e.set_defaults(func=cmd_export)

    s = sub.add_parser(
        "search",
        help="search a store (Arabic-aware full text, filters)",
        description='Words are ANDed; "a phrase"; a OR b; NOT word or -word; prefix*. Spelling variants '
        "(hamza, ta marbuta, alef maqsura, diacritics, tatweel, digits) and clitics (و ف ب ك ل ال) match.",
    )
    s.add_argument("query", metavar="QUERY")
    _db_option(s)
    s.add_argument("--source", help="only this source")
    s.add_argument("--from", dest="date_from", metavar="DATE", help="published on or after (YYYY-MM-DD)")
    s.add_argument("--to", dest="date_to", metavar="DATE", help="published on or before (YYYY-MM-DD)")
    s.add_argument("--person", help="mentions this person")
    s.add_argument("--place", help="datelined at or mentions this place")
    s.add_argument("--country", metavar="CC", help="datelined in or mentions a place in this country (ISO)")
    s.add_argument("--agency", help="from this agency (dateline: AFP, واس …)")
    s.add_argument("--story", metavar="ID", help="only members of this story")
    s.add_argument("--speaker", help="quotes this speaker")
    s.add_argument("--limit", type=int, default=10, metavar="N", help="hits to show (default 10)")
    s.add_argument("--offset", type=int, default=0, metavar="N", help="skip this many hits first")
    s.add_argument("--collapse", action="store_true", help="one hit per story, with its number of copies")
    s.add_argument("--json", action="store_true", help="one JSON object per hit")
    s.set_defaults(func=cmd_search)
