"""The search query language, parsed once for every backend.

Words are ANDed; ``"a phrase"`` matches its words in order; ``a OR b`` matches either (OR binds tighter
than the AND between words: ``a OR b c`` is ``(a OR b) AND c``); ``NOT word``, ``-word`` and
``-"a phrase"`` exclude; ``word*`` matches words starting so (after the article clitic: ``الكتا*``
looks for ``كتا*``). Operators are upper case (``OR``, ``NOT``, ``AND``); in lower case they are words.
Other punctuation separates words. Each word is analysed as documents are (``analysis.core``).

A query that cannot be read raises ``QueryError`` with a message for the user, never a traceback: an
unbalanced quote, an operator with nothing to apply to, nothing but exclusions, nothing searchable, or a
query longer than ``MAX_QUERY_CHARS``/``MAX_TERMS``.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from khabar.store.analysis import WORD_RE, core
from khabar.store.base import QueryError

MAX_QUERY_CHARS = 1000
MAX_TERMS = 32

# A quoted phrase (closed or not), an exclusion mark, or a word (letters, digits, marks) with an optional *.
_LEXEME = regex.compile(
    r'(?P<quote>"[^"]*"?)|(?P<minus>-)(?=["\p{L}\p{N}\p{M}\p{Cf}])|(?P<word>[\p{L}\p{N}\p{M}\p{Cf}]+)(?P<star>\*)?'
)
OPERATORS = ("OR", "NOT", "AND")


@dataclass(frozen=True)
class Term:
    """One word or phrase: its words as typed and their cores (analysed forms), in order. ``prefix``: the
    last word matches any word starting with it."""

    words: tuple[str, ...]
    cores: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Query:
    """``groups``: every group must match, a group by any of its terms; ``excluded``: no term may match."""

    text: str
    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...]

    def terms(self) -> list[Term]:
        """The positive terms, for highlighting."""
        return [t for g in self.groups for t in g]


def _term(text: str, prefix: bool = False) -> Term | None:
    words, cores = [], []
    for m in WORD_RE.finditer(text):
        for c in core(m.group()).split():
            words.append(m.group())
            cores.append(c)
    if not cores:
        return None
    return Term(tuple(words), tuple(cores), prefix)


def _lex(text: str) -> list[tuple[str, str | Term | None]]:
    """(kind, value) items: ("op", "OR"|"NOT"|"AND"), ("minus", None), ("term", Term or None)."""
    items: list[tuple[str, str | Term | None]] = []
    for m in _LEXEME.finditer(text):
        if m.group("quote") is not None:
            q = m.group("quote")
            if len(q) < 2 or not q.endswith('"'):
                raise QueryError(f'unbalanced quote at character {m.start() + 1}: close the phrase with "')
            items.append(("term", _term(q[1:-1])))
        elif m.group("minus"):
            items.append(("minus", None))
        elif m.group("word") in OPERATORS and not m.group("star"):
            items.append(("op", m.group("word")))
        else:
            items.append(("term", _term(m.group("word"), prefix=bool(m.group("star")))))
    return items


def parse(text: str) -> Query:
    """``text`` as a Query; QueryError (a message for the user) when it cannot be read."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long: {len(text):,} characters (at most {MAX_QUERY_CHARS:,})")
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    negate = or_pending = False
    count = 0
    for kind, value in _lex(text):
        if kind == "op":
            if value == "OR":
                if not groups or negate or or_pending:
                    raise QueryError("OR needs a word or phrase on each side")
                or_pending = True
            elif value == "NOT":
                if or_pending:
                    raise QueryError("NOT cannot follow OR: write a OR b NOT c")
                negate = True
            continue
        if kind == "minus":
            negate = True
            continue
        if value is None:  # punctuation only: nothing to look for
            continue
        assert isinstance(value, Term)
        count += 1
        if count > MAX_TERMS:
            raise QueryError(f"too many words: at most {MAX_TERMS}")
        if negate:
            excluded.append(value)
        elif or_pending:
            groups[-1].append(value)
        else:
            groups.append([value])
        negate = or_pending = False
    if or_pending:
        raise QueryError("OR needs a word or phrase on each side")
    if negate:
        raise QueryError("NOT (or -) needs a word or phrase after it")
    if not groups:
        if excluded:
            raise QueryError("a query needs at least one word that is not excluded")
        raise QueryError("nothing to search for: the query has no words")
    return Query(text, tuple(tuple(g) for g in groups), tuple(excluded))
