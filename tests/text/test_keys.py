from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from khabar.text.keys import match_key


def test_folds_arabic_orthographic_variants() -> None:
    assert match_key("أَحْمَدُ") == match_key("احمد") == "احمد"
    assert match_key("إلى") == "الي"
    assert match_key("مدرســـة") == "مدرسه"
    assert match_key("مؤتمر رئيس") == "موتمر رييس"
    assert match_key("ٱلقرآن") == "القران"
    assert match_key("٢٠١٥ و۱۲") == "2015 و12"
    assert match_key("قال: «نعم»، ثم؟") == 'قال: "نعم", ثم?'


def test_removes_invisibles_and_presentation_forms() -> None:
    assert match_key("\u200fالسلام\u200b عليكم\ufeff") == "السلام عليكم"
    assert match_key("ﻻ بأس") == "لا باس"


def test_collapses_whitespace_and_lowercases() -> None:
    assert match_key("  AFP\t\u00a0Reuters \n") == "afp reuters"


@given(st.text())
def test_key_is_idempotent(s: str) -> None:
    assert match_key(match_key(s)) == match_key(s)


@given(st.text(alphabet=st.characters(min_codepoint=0x0621, max_codepoint=0x064A)), st.data())
def test_diacritics_never_change_the_key(word: str, data: st.DataObject) -> None:
    marks = data.draw(st.lists(st.sampled_from([chr(c) for c in range(0x064B, 0x0653)]), max_size=len(word)))
    marked = "".join(ch + (marks[i] if i < len(marks) else "") for i, ch in enumerate(word))
    assert match_key(marked) == match_key(word)


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=40, max_size=80))
def test_long_and_short_paths_agree(s: str) -> None:
    # texts of 48+ characters take the numpy path; the same text cut into short pieces does not
    from khabar.text import keys

    slow = " ".join(
        (unicodedata.normalize("NFKC", s) if keys._NEEDS_NFKC.search(s) else s)
        .translate(keys._TABLE)
        .lower()
        .split()
    )
    assert match_key(s) == slow


@given(
    st.lists(
        st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60), max_size=8
    )
)
def test_match_keys_equals_match_key_per_line(lines: list[str]) -> None:
    from khabar.text.keys import match_keys

    lines = [line.replace("\n", " ") for line in lines]
    assert match_keys(lines) == [match_key(line) for line in lines]


def test_match_keys_is_match_key_line_by_line_in_the_odd_cases() -> None:
    # what one pass over the article could do differently: NFKC (a ligature grows, a combining madda
    # composes; compatibility characters only change where match_key normalises the line), a capital
    # sigma (str.lower on short lines reads its context), astral characters
    from khabar.text.keys import match_keys

    lines = [
        "ﻻ يمكن ذلك اليوم في المدينة الكبيرة على الإطلاق",
        "ا\u0653خر الأخبار",
        "x² والمزيد من النص العربي الطويل هنا لتجاوز الحد الأدنى",
        "ΟΔΟΣ ΑΘΗΝΑΣ",
        "نص \U0001f600 قصير",
        "\u00a0نص",
    ]
    for some in (lines, lines[:3], lines[2:4]):
        assert match_keys(some) == [match_key(line) for line in some]
