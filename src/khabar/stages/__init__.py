"""Stages: the steps of a run, each a named, picklable batch call, and the registry that lists them.

A stage says which record fields it ``needs`` and which it ``provides`` and is called on a batch of items
(raw inputs for the first, articles after it), returning one result per item, in order. The runner
(``khabar.stages.runner``) chains them in worker processes and keeps per-stage counts and times, as
datatrove keeps per-step stats; spaCy's ``pipe`` is the model for the batch call (the entity tagger is
much cheaper per article on a batch).

The registry is the one list of stages: the CLI's ``--no-X`` flags, the API's ``stages=`` and the README
table all come from ``REGISTRY``. ``repair`` and ``dateline`` always run (the dateline is lifted between
repair steps, so both are one pass, ``RepairStage``); the enrichment stages are optional. Deduplication
is a map (features) → reduce (clusters) → annotate in ``khabar.dedup.run``, whose steps report in the same
``StageStats`` form.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from khabar.enrich.stage import ENRICHMENT_STAGES, enrichment_stages
from khabar.pipeline import RepairStage

__all__ = [
    "OPTIONAL_STAGES",
    "REGISTRY",
    "Stage",
    "StageSpec",
    "build_stages",
]


class Stage(Protocol):
    """A step of a run: ``stage(batch)`` gives one result per item of ``batch``, in order. It raises on
    a bad item; the runner then calls it again on each item alone, so only that one fails."""

    @property
    def name(self) -> str: ...

    @property
    def needs(self) -> tuple[str, ...]: ...

    @property
    def provides(self) -> tuple[str, ...]: ...

    def __call__(self, batch: list[Any]) -> list[Any]: ...


@dataclass(frozen=True, slots=True)
class StageSpec:
    """A registry entry: what the stage is for (the ``--no-NAME`` help), whether it can be left out, and
    which stage runs it when it is part of another's pass."""

    name: str
    what: str
    optional: bool
    runs_in: str | None = None


REGISTRY: tuple[StageSpec, ...] = (
    StageSpec(RepairStage.name, RepairStage.about, False),
    StageSpec(
        "dateline", "the dateline and closing credit lifted (place, agency, date)", False, RepairStage.name
    ),
    *(StageSpec(stage.name, stage.about, True) for stage in ENRICHMENT_STAGES),
)
OPTIONAL_STAGES: tuple[str, ...] = tuple(s.name for s in REGISTRY if s.optional)


def build_stages(
    optional: Iterable[str] = OPTIONAL_STAGES, published_default: str | date | None = None
) -> list[Any]:
    """The stages of a run: repair (with the dateline), then the ``optional`` stages chosen, in registry
    order. ``published_default``: the date relative dates resolve against for articles without one.
    ValueError for an unknown or non-optional name."""
    chosen: Sequence[str] = tuple(optional)
    fixed = [n for n in chosen if n in {s.name for s in REGISTRY if not s.optional}]
    if fixed:
        raise ValueError(f"stage(s) always run, cannot be chosen: {', '.join(fixed)}")
    return [RepairStage(), *enrichment_stages(chosen, published_default)]
