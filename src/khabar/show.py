"""``khabar show``: one article, readably — dateline, paragraphs, and what was changed and why."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from rich.console import Console
from rich.markup import escape

from khabar.record import Article

_REASON_TEXT = {
    "repeated-paragraph": "repeats paragraph",
    "repeated-body": "body pasted twice in one paragraph; kept the first copy",
    "repeats-title": "repeats the title",
    "empty-line": "empty line",
    "dateline": "dateline, lifted into the record",
    "credit": "closing credit, lifted into the record",
}


def _short(text: str, limit: int = 90) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


_STYLE = {"PERS": "bold magenta", "LOC": "bold green", "ORG": "bold cyan", "MISC": "bold yellow"}


def _highlight(article: Article, i: int, para: str) -> str:
    """The paragraph with its entities coloured by type (markup-escaped)."""
    spans = sorted((e.start, e.end, _STYLE.get(e.type, "bold")) for e in article.entities if e.para == i)
    out, pos = [], 0
    for start, end, style in spans:
        if start < pos:
            continue  # overlapping spans: keep the first
        out.append(escape(para[pos:start]))
        out.append(f"[{style}]{escape(para[start:end])}[/{style}]")
        pos = end
    out.append(escape(para[pos:]))
    return "".join(out)


def _num(value: float) -> str:
    return f"{int(value):,}" if value.is_integer() else f"{value:,}"


def _layers(article: Article, p: Callable[..., None]) -> None:
    if article.entities:
        seen: dict[tuple[str, str], list[str]] = {}
        for e in article.entities:
            key = (e.type, e.canonical or e.text)
            link = ", ".join(x for x in (e.name_en, e.country) if x)
            seen.setdefault(key, [link] if link else [])
        p("[bold]entities[/bold]")
        for kind in ("PERS", "LOC", "ORG", "MISC"):
            names = [
                f"{name}" + (f" ({links[0]})" if links else "")
                for (k, name), links in seen.items()
                if k == kind
            ]
            if names:
                p(f"  [{_STYLE[kind]}]{kind:<4}[/{_STYLE[kind]}] " + escape("، ".join(names)), soft_wrap=True)
    if article.quotes:
        p("[bold]quotes[/bold]")
        for q in article.quotes:
            p(f"  «{escape(_short(q.text, 80))}» — {escape(q.speaker or '?')}", soft_wrap=True)
    if article.dates:
        p(
            "[bold]dates[/bold] " + escape(", ".join(f"{d.text} → {d.value or '?'}" for d in article.dates)),
            soft_wrap=True,
        )
    if article.numbers:
        p(
            "[bold]numbers[/bold] "
            + escape(
                ", ".join(
                    f"{n.text} → {_num(n.value)}{' ' + n.unit if n.unit else ''}"
                    for n in article.numbers
                    if n.value is not None
                )
            ),
            soft_wrap=True,
        )
    if article.entities or article.quotes or article.dates or article.numbers:
        p()


def render(article: Article, console: Console | None = None) -> None:
    console = console or Console()
    p = console.print
    p(f"[bold]{escape(article.title or '(no title)')}[/bold]")
    facts = [f"id {article.id}"]
    for label, value in (("source", article.source), ("published", article.published), ("url", article.url)):
        if value:
            facts.append(f"{label} {value}")
    p("[dim]" + escape("  ·  ".join(facts)) + "[/dim]", soft_wrap=True)
    d = article.dateline
    if d:
        where = ", ".join(x for x in (d.place_en or d.place, d.country) if x)
        who = d.agency_en or d.agency
        extra = f"  date {d.date}" if d.date else ""
        p(
            f"[cyan]dateline[/cyan] «{escape(d.raw)}» → {escape(where or '?')}  {escape(who or '')}{escape(extra)}"
        )
    p()
    for i, para in enumerate(article.paragraphs):
        p(f"[dim]{i:>3}[/dim]  {_highlight(article, i, para)}", soft_wrap=True)
    p()
    _layers(article, p)
    removed = [e for e in article.edits if e.op == "drop" or e.reason in _REASON_TEXT]
    if removed:
        p(f"[bold]removed ({len(removed)})[/bold]")
        for e in removed:
            why = _REASON_TEXT.get(e.reason, e.reason)
            if e.reason == "repeated-paragraph" and e.kept is not None:
                why += f" {e.kept} (line {e.kept_line + 1 if e.kept_line is not None else '?'})"
            p(
                f"  line {e.line + 1:>3}: [yellow]{escape(why)}[/yellow]  «{escape(_short(e.old))}»",
                soft_wrap=True,
            )
    small = Counter(e.reason for e in article.edits if e not in removed)
    if small:
        p("[bold]display repairs[/bold] " + ", ".join(f"{r} ×{n}" for r, n in sorted(small.items())))
    before, after = article.stats.get("before", {}), article.stats.get("after", {})
    if before:
        p(
            f"[dim]duplicate lines {before.get('dup_line_frac', 0):.0%} → {after.get('dup_line_frac', 0):.0%}, "
            f"duplicated 5-gram chars {before.get('dup_5gram_char_frac', 0):.0%} → "
            f"{after.get('dup_5gram_char_frac', 0):.0%}[/dim]"
        )
