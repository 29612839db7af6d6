"""A stage made to fail on chosen articles, for the tests of failures that must stay alone."""

from __future__ import annotations

import pytest

import khabar.enrich.stage as enrich_stage


def numbers_fail_on(monkeypatch: pytest.MonkeyPatch, word: str) -> None:
    """The numbers stage raises ``RuntimeError('boom')`` on any batch holding an article with ``word``."""
    real = enrich_stage.NumbersStage.__call__

    def numbers(self, articles):  # type: ignore[no-untyped-def]
        if any(word in p for a in articles for p in a.paragraphs):
            raise RuntimeError("boom")
        return real(self, articles)

    monkeypatch.setattr(enrich_stage.NumbersStage, "__call__", numbers)
