"""The Arabic analysis: each folding and clitic rule on concrete words, and invariants by hypothesis."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from khabar.store.analysis import core, fold_text, index_text, query_variants, tokens


def test_harakat_and_tatweel_stay_inside_the_word() -> None:
    # stock FTS5 unicode61 splits كَتَبَ into ك / ت / ب
    assert index_text("كَتَبَ") == "كتب"
    assert index_text("كـــتـــب") == "كتب"
    assert [t.core for t in tokens("الرئيسُ كَتَبَ")] == ["رييس", "كتب"]


def test_hamza_alef_ya_and_ta_marbuta_fold() -> None:
    assert index_text("أحمد إبراهيم آمال ٱلله") == index_text("احمد ابراهيم امال الله")
    assert core("مدرسة") == core("مدرسه") == "مدرسه"
    assert core("الى") == core("إلى") == "الي"
    assert core("مؤسسة") == core("موسسه")
    assert core("رئيس") == core("ريىس") == "رييس"


def test_digits_of_any_script_are_ascii() -> None:
    assert index_text("٢٠١٥ ۲۰۱۵ 2015") == "2015 2015 2015"


def test_article_clitics_are_removed_when_three_letters_remain() -> None:
    for word in ("الكتاب", "والكتاب", "بالكتاب", "وبالكتاب", "فالكتاب", "كالكتاب", "للكتاب"):
        assert core(word) == "كتاب", word
    assert core("الله") == "الله"  # له would be two letters
    assert core("والد") == "والد"  # وال + د: one letter left


def test_single_letter_clitics_and_names_are_not_cut_in_the_index() -> None:
    # the document keeps the word: these letters begin many words and names
    assert core("بلال") == "بلال"
    assert core("لبنان") == "لبنان"
    assert core("وزير") == "وزير"
    assert core("كتاب") == "كتاب"
    assert core("أحمد") == "احمد"  # never حمد
    assert core("محمد") == "محمد"
    assert core("ولد") == "ولد"


def test_query_variants_add_single_letter_clitics_and_light_suffixes() -> None:
    variants = query_variants("كتاب")
    assert variants[0] == "كتاب"
    for v in ("وكتاب", "بكتاب", "لكتاب", "وبكتاب", "كتابه", "كتابها", "كتابهم", "كتابات", "لكتابهما"):
        assert v in variants, v
    assert "تاب" not in variants and "كتا" not in variants
    assert query_variants("ولد") == ["ولد"] or "ولد" in query_variants("ولد")
    assert query_variants("لد") == ["لد"]  # under three letters: itself only
    assert query_variants("2015") == ["2015"]


def test_tokens_give_display_offsets() -> None:
    text = "قال الرئيسُ: كَتَبَ"
    assert [text[t.start : t.end] for t in tokens(text)] == ["قال", "الرئيسُ", "كَتَبَ"]


def test_a_lone_tatweel_or_haraka_is_no_word() -> None:
    assert tokens("ـ َ") == []
    assert index_text("ـ") == ""


ARABIC_LETTERS = st.sampled_from(list("ابتثجحخدذرسشصضطظعغفقكلمنهوي"))
WORDS = st.lists(st.text(ARABIC_LETTERS, min_size=1, max_size=8), min_size=1, max_size=12)
HARAKAT = st.sampled_from(["\u064e", "\u064f", "\u0650", "\u0651", "\u0652", "\u064b", "\u0640"])


@given(WORDS, st.data())
def test_harakat_and_tatweel_never_change_the_index(words: list[str], data: st.DataObject) -> None:
    text = " ".join(words)
    decorated = "".join(
        ch + (data.draw(HARAKAT) if ch != " " and data.draw(st.booleans()) else "") for ch in text
    )
    assert index_text(decorated) == index_text(text)
    assert [t.core for t in tokens(decorated)] == [t.core for t in tokens(text)]


@given(st.text(max_size=200))
def test_index_text_is_the_cores_of_the_tokens(text: str) -> None:
    # what the index holds and what snippets mark are the same analysis
    cores = [c for t in tokens(text) for c in core(text[t.start : t.end]).split()]
    assert index_text(text).split() == cores or fold_text(text) == ""
