"""The enrichment stage: entities, dates, numbers and quotes added to a refined article.

Each is a standoff layer over ``article.paragraphs``; the text is never changed here. Relative
dates resolve against the article's ``published`` date, or ``published_default`` when the input
had none (``khabar process --published``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime

from khabar.record import Article, DateMention, Entity, NumberMention, Quote

STAGES = ("entities", "dates", "numbers", "quotes")


def _published(article: Article, default: str | date | None) -> date | None:
    value = article.published or default
    if value is None:
        return None
    if isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        return None


def _speaker_entity(
    entities: list[Entity], para: int | None, start: int | None, end: int | None, name: str | None
) -> int | None:
    """The entity a quote's speaker phrase names: one inside the phrase's span in paragraph ``para`` (the
    quote's own, or the earlier one a carried speaker was named in; a person first, then the latest, which
    in ``المتحدث باسم الخارجية جون كيربي`` is the name), else one whose canonical form is the speaker."""
    inside = [
        (e.type != "PERS", -e.start, i)
        for i, e in enumerate(entities)
        if para is not None
        and start is not None
        and end is not None
        and e.para == para
        and start <= e.start
        and e.end <= end
    ]
    if inside:
        return min(inside)[2]
    for i, e in enumerate(entities):
        if name and (e.canonical == name or e.text == name):
            return i
    return None


def enrich(
    article: Article, stages: Iterable[str] = STAGES, published_default: str | date | None = None
) -> Article:
    """``article`` with the chosen layers filled in."""
    return enrich_many([article], stages, published_default)[0]


def enrich_many(
    articles: Sequence[Article], stages: Iterable[str] = STAGES, published_default: str | date | None = None
) -> list[Article]:
    """``enrich`` of each article; the same result, cheaper per article: the entity tagger sees the
    sentences of all of them in one call."""
    stages = set(stages)
    unknown = stages - set(STAGES)
    if unknown:
        raise ValueError(f"unknown enrichment stage(s): {', '.join(sorted(unknown))}")
    found: list[list[Entity]] = [[] for _ in articles]
    if "entities" in stages or "quotes" in stages:
        from khabar.enrich.entities import find_entities_many

        found = find_entities_many([a.paragraphs for a in articles])
    return [_layers(a, stages, published_default, e) for a, e in zip(articles, found, strict=True)]


def _layers(
    article: Article, stages: set[str], published_default: str | date | None, entities: list[Entity]
) -> Article:
    paragraphs = article.paragraphs
    dates: list[DateMention] = []
    numbers: list[NumberMention] = []
    quotes: list[Quote] = []
    if "dates" in stages:
        from khabar.parse.dates import find_dates

        pub = _published(article, published_default)
        for p, para in enumerate(paragraphs):
            for d in find_dates(para, pub):
                dates.append(DateMention(d.text, p, d.start, d.end, d.value, d.granularity))
    if "numbers" in stages:
        from khabar.parse.numbers import find_numbers

        for p, para in enumerate(paragraphs):
            for n in find_numbers(para):
                numbers.append(NumberMention(n.text, p, n.start, n.end, n.value, n.unit))
    if "quotes" in stages:
        from khabar.enrich.quotes import find_quotes_in_article

        for p, in_para in enumerate(find_quotes_in_article(paragraphs, entities)):
            for q in in_para:
                ent = _speaker_entity(entities, q.speaker_para, q.speaker_start, q.speaker_end, q.speaker)
                quotes.append(Quote(q.text, p, q.start, q.end, q.speaker, ent))
    if "entities" not in stages:
        entities = []  # found only to link quote speakers; not asked for
        quotes = [replace(q, speaker_entity=None) for q in quotes]
    return replace(article, entities=entities, dates=dates, numbers=numbers, quotes=quotes)
