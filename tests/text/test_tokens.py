from __future__ import annotations

from khabar.text.sentences import split_sentences
from khabar.text.tokens import tokenize, words


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
