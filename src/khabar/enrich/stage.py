"""The enrichment stages: entities, dates, numbers and quotes added to refined articles.

Each stage is a picklable batch call over articles (``khabar.stages.Stage``) that adds one standoff
layer over ``article.paragraphs``; the text is never changed here. Relative dates resolve against the article's ``published`` date, or ``published_default`` when the input
had none (``khabar process --published``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import ClassVar

from khabar.record import Article, DateMention, Entity, NumberMention, Quote


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


@dataclass(frozen=True, slots=True)
class EntitiesStage:
    """People, places and organisations, tagged over the sentences of the whole batch at once."""

    name: ClassVar[str] = "entities"
    about: ClassVar[str] = "people, places and organisations"
    needs: ClassVar[tuple[str, ...]] = ("paragraphs",)
    provides: ClassVar[tuple[str, ...]] = ("entities",)

    def __call__(self, articles: list[Article]) -> list[Article]:
        found = _find_entities(articles)
        return [replace(a, entities=e) for a, e in zip(articles, found, strict=True)]


@dataclass(frozen=True, slots=True)
class DatesStage:
    """Dates, relative ones resolved against ``published`` or else ``published_default``."""

    published_default: str | date | None = None
    name: ClassVar[str] = "dates"
    about: ClassVar[str] = "dates, relative ones resolved"
    needs: ClassVar[tuple[str, ...]] = ("paragraphs", "published")
    provides: ClassVar[tuple[str, ...]] = ("dates",)

    def __call__(self, articles: list[Article]) -> list[Article]:
        from khabar.enrich.dates import find_dates

        out = []
        for article in articles:
            pub = _published(article, self.published_default)
            dates = [
                DateMention(d.text, p, d.start, d.end, d.value, d.granularity)
                for p, para in enumerate(article.paragraphs)
                for d in find_dates(para, pub)
            ]
            out.append(replace(article, dates=dates))
        return out


@dataclass(frozen=True, slots=True)
class NumbersStage:
    """Numbers, percentages and amounts."""

    name: ClassVar[str] = "numbers"
    about: ClassVar[str] = "numbers, percentages and amounts"
    needs: ClassVar[tuple[str, ...]] = ("paragraphs",)
    provides: ClassVar[tuple[str, ...]] = ("numbers",)

    def __call__(self, articles: list[Article]) -> list[Article]:
        from khabar.enrich.numbers import find_numbers

        return [
            replace(
                a,
                numbers=[
                    NumberMention(n.text, p, n.start, n.end, n.value, n.unit)
                    for p, para in enumerate(a.paragraphs)
                    for n in find_numbers(para)
                ],
            )
            for a in articles
        ]


@dataclass(frozen=True, slots=True)
class QuotesStage:
    """Quotes and their speakers. The speaker rules use the entities: with ``link_entities`` they are the
    article's (the entities stage ran before) and each speaker is linked to one; without, they are found
    here only for the rules and no speaker is linked (the record has no entities to point at)."""

    link_entities: bool = True
    name: ClassVar[str] = "quotes"
    about: ClassVar[str] = "quotes and their speakers"
    needs: ClassVar[tuple[str, ...]] = ("paragraphs", "entities")
    provides: ClassVar[tuple[str, ...]] = ("quotes",)

    def __call__(self, articles: list[Article]) -> list[Article]:
        from khabar.enrich.quotes import find_quotes_in_article

        found = [a.entities for a in articles] if self.link_entities else _find_entities(articles)
        out = []
        for article, entities in zip(articles, found, strict=True):
            quotes: list[Quote] = []
            for p, in_para in enumerate(find_quotes_in_article(article.paragraphs, entities)):
                for q in in_para:
                    ent = None
                    if self.link_entities:
                        ent = _speaker_entity(
                            entities, q.speaker_para, q.speaker_start, q.speaker_end, q.speaker
                        )
                    quotes.append(Quote(q.text, p, q.start, q.end, q.speaker, ent))
            out.append(replace(article, quotes=quotes))
        return out


def _find_entities(articles: Sequence[Article]) -> list[list[Entity]]:
    from khabar.enrich.entities import find_entities_many

    return find_entities_many([a.paragraphs for a in articles])


EnrichmentStage = EntitiesStage | DatesStage | NumbersStage | QuotesStage
# The enrichment stages in the order they run (entities first: quotes use them); their names are the
# ``stages=`` of the API and the CLI's ``--no-NAME`` flags (through ``khabar.stages.REGISTRY``).
ENRICHMENT_STAGES: tuple[type[EnrichmentStage], ...] = (EntitiesStage, DatesStage, NumbersStage, QuotesStage)
STAGES: tuple[str, ...] = tuple(stage.name for stage in ENRICHMENT_STAGES)


def enrichment_stages(
    stages: Iterable[str] = STAGES, published_default: str | date | None = None
) -> list[EnrichmentStage]:
    """The enrichment stages named in ``stages``, in ``STAGES`` order (entities first: quotes use them).
    ValueError for an unknown name."""
    chosen = set(stages)
    unknown = chosen - set(STAGES)
    if unknown:
        raise ValueError(f"unknown enrichment stage(s): {', '.join(sorted(unknown))}")
    made: list[EnrichmentStage] = [
        EntitiesStage(),
        DatesStage(published_default),
        NumbersStage(),
        QuotesStage(link_entities=EntitiesStage.name in chosen),
    ]
    return [stage for stage in made if stage.name in chosen]


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
    out = list(articles)
    for stage in enrichment_stages(stages, published_default):
        out = stage(out)
    return out
