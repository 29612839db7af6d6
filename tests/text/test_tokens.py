from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from khabar.text.sentences import split_sentences
from khabar.text.tokens import token_spans, tokenize, words

# Letters, harakat, Arabic-Indic and ASCII digits, number separators, punctuation, spaces of several
# kinds, a zero-width joiner, an astral letter and a lone surrogate: every class the tokenizers tell apart.
_MIXED = st.text(
    alphabet=st.sampled_from([*"اbقُّ٣5.,٫٬،«»:!- \t\n\u00a0\u200d\u2028", "\U0001d400", "\ud800", "ـ", "²"]),
    max_size=60,
)


def test_combining_marks_stay_inside_words() -> None:
    assert words("أن يُسهّل التجارةَ") == ["أن", "يُسهّل", "التجارةَ"]


def test_numbers_keep_separators_and_clitics_split_from_digits() -> None:
    assert words("بلغ 3.5 مليون و١٬٠٠٠ دولار") == ["بلغ", "3.5", "مليون", "و", "١٬٠٠٠", "دولار"]


def test_tokens_carry_offsets() -> None:
    text = "قال: «نعم»"
    toks = tokenize(text)
    assert [t.text for t in toks] == ["قال", ":", "«", "نعم", "»"]
    assert all(text[t.start : t.end] == t.text for t in toks)


def test_sentences() -> None:
    text = 'قال د. محمد إن النمو بلغ 3.5 في المئة. وأضاف: "هذا جيد. جدا". ثم انتهى؟ نعم!'
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "قال د. محمد إن النمو بلغ 3.5 في المئة.",
        'وأضاف: "هذا جيد. جدا".',
        "ثم انتهى؟",
        "نعم!",
    ]


def test_sentences_of_seed_paragraph() -> None:
    text = "وتسعى جمهوريات آسيا الوسطى الخمس إلى تقليل اعتمادها على روسيا. وتسارعت هذه الخطوة منذ غزو روسيا لأوكرانيا في فبراير 2022."
    assert len(split_sentences(text)) == 2
    assert split_sentences("") == []


@given(_MIXED)
def test_token_spans_equal_the_pattern_tokenizer(text: str) -> None:
    starts, ends, is_word = token_spans(text)
    assert list(zip(starts, ends, is_word, strict=True)) == [
        (t.start, t.end, t.is_word) for t in tokenize(text)
    ]
