from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from khabar.record import STAT_NAMES
from khabar.refining.repetition_stats import repetition_stats


def test_all_metrics_present_and_zero_for_plain_text() -> None:
    s = repetition_stats("وصل الرئيس الصيني إلى كازاخستان اليوم لحضور القمة الثانية")
    assert tuple(s) == STAT_NAMES
    assert s["lines"] == 1.0
    assert all(s[k] == 0.0 for k in STAT_NAMES if k.startswith("dup_"))


def test_duplicate_lines_by_count_and_chars() -> None:
    s = repetition_stats("أ ب ج د\nهـ و ز\nأ ب ج د")
    assert s["dup_line_frac"] == round(1 / 3, 6)
    assert s["dup_line_char_frac"] == round(7 / 19, 6)  # key characters: the tatweel of هـ does not count


def test_duplicated_ngrams_cover_the_repeated_words() -> None:
    words = ["واحد", "اثنان", "ثلاثة", "اربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة", "عشرة"]
    s = repetition_stats(" ".join(words + words))
    assert all(s[f"dup_{n}gram_char_frac"] == 0.5 for n in range(5, 11))
    assert s["top_2gram_char_frac"] > 0


def test_diacritised_repeat_counts_as_duplicate() -> None:
    s = repetition_stats("قال الوزير اليوم\nقالَ الوزيرُ اليومَ")
    assert s["dup_line_frac"] == 0.5


def _reference_dup_ngram_frac(words: list[str], n: int) -> float:
    # the textbook definition, with tuples: characters of words inside a repeated n-gram
    seen: set[tuple[str, ...]] = set()
    covered = [False] * len(words)
    for i in range(len(words) - n + 1):
        gram = tuple(words[i : i + n])
        if gram in seen:
            covered[i : i + n] = [True] * n
        seen.add(gram)
    total = sum(map(len, words))
    return round(sum(len(w) for w, c in zip(words, covered, strict=True) if c) / total, 6) if total else 0.0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["قال", "الوزير", "اليوم", "في", "الرياض", "إن"]), max_size=60))
def test_vectorised_ngram_fractions_match_the_definition(words: list[str]) -> None:
    s = repetition_stats(" ".join(words))
    for n in range(5, 11):
        assert s[f"dup_{n}gram_char_frac"] == _reference_dup_ngram_frac(words, n)


def _reference_top_ngram_frac(words: list[str], n: int) -> float:
    # the textbook definition, with tuples: all occurrences of the most frequent n-gram (the longest
    # among equally frequent ones), in characters, over all word characters
    counts = Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    total = sum(map(len, words))
    best = max(counts.values(), default=0)
    if best < 2 or not total:
        return 0.0
    chars = max(sum(map(len, gram)) for gram, count in counts.items() if count == best)
    return round(min(1.0, chars * best / total), 6)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["قال", "الوزير", "اليوم", "في", "الرياض", "إن", "و"]), max_size=60))
def test_vectorised_top_ngram_fractions_match_the_definition(words: list[str]) -> None:
    s = repetition_stats(" ".join(words))
    for n in (2, 3, 4):
        assert s[f"top_{n}gram_char_frac"] == _reference_top_ngram_frac(words, n)
