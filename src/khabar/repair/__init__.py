"""Repair of repeated content inside an article, and the repetition metrics around it."""

from khabar.repair.repeats import MIN_REPEAT_WORDS, find_doubled_body, repeated_paragraphs
from khabar.repair.stats import repetition_stats

__all__ = ["MIN_REPEAT_WORDS", "find_doubled_body", "repeated_paragraphs", "repetition_stats"]
