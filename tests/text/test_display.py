from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from khabar.text.display import repair_line


def test_clean_arabic_is_untouched_and_diacritics_kept() -> None:
    line = "والمنطقة غنية أيضا بالموارد الطبيعية ويمكن للاستثمار الصيني فيها أن يُسهّل التجارة."
    assert repair_line(line) == (line, [])


def test_presentation_forms_to_base_letters() -> None:
    new, changes = repair_line("ﺍﻟﺴﻼﻡ ﻋﻠﻴﻜﻢ")
    assert new == "السلام عليكم"
    assert {c.reason for c in changes} == {"presentation-form"}


def test_invisibles_removed() -> None:
    new, changes = repair_line("\u202bقال\u200f الوزير\u200b\ufeff")
    assert new == "قال الوزير"
    assert [c.reason for c in changes] == ["invisible-char"] * 3


def test_whitespace_normalised() -> None:
    new, changes = repair_line("  قال\u00a0\u00a0الوزير\tاليوم \r")
    assert new == "قال الوزير اليوم"
    assert {c.reason for c in changes} == {"whitespace"}


def test_persian_lookalikes_in_arabic_only() -> None:
    assert repair_line("کتاب عربی")[0] == "كتاب عربي"
    persian = "پیام کوتاه"  # پ marks the line as Persian: ک and ی are right there
    assert repair_line(persian) == (persian, [])


def test_mojibake_windows_1256_and_latin1() -> None:
    arabic = "العربية هي اللغة الرسمية"
    as_cp1256 = arabic.encode("utf-8").decode("cp1256")
    as_latin1 = arabic.encode("utf-8").decode("latin-1")
    assert repair_line(as_cp1256)[0] == arabic
    assert repair_line(as_latin1)[0] == arabic
    assert repair_line(as_cp1256)[1][0].reason == "mojibake"


@given(st.text(alphabet=st.sampled_from(list("اب تث\u064e\u200f\u00a0\t ﻻک\u0640x"))))
def test_changes_replay_to_the_new_line_and_repair_is_idempotent(line: str) -> None:
    new, changes = repair_line(line)
    cur = line
    for c in changes:
        cur = cur[: c.start] + c.new + cur[c.end :]
    assert cur == new
    assert repair_line(new) == (new, [])


@given(st.text(alphabet=st.sampled_from(list("اب x \t\n\r\u00a0\u2028\u3000\x1c\u200b"))))
def test_whitespace_pass_finds_what_its_pattern_describes(line: str) -> None:
    # the fast pass (str.strip for the ends, a scan inside only when needed) against the definition
    from khabar.text.display import _WHITESPACE, Change, _whitespace

    n = len(line)
    expected = [
        Change(m.start(), m.end(), "" if m.start() == 0 or m.end() == n else " ", "whitespace")
        for m in _WHITESPACE.finditer(line)
    ]
    assert list(_whitespace(line)) == expected


_PIECES = [
    "ا", "ب", " ", "  ", "\t", "\u00a0", "ط§", "ظ„", "ظ…", "ظٹ", "§", "…", "ﻻ", "\u200f", "ک", "ی", "پ", "Ø§",
    "Ù„", "Ã©", "\x1c", "\u2028", "ظ", "ط",
]  # fmt: skip
_MOJIBAKE = [w.encode("utf-8").decode("cp1256") for w in ("مصر", "العربية", "يوم", "كلمة")] + [" "]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)
    | st.lists(st.sampled_from(_MOJIBAKE)).map("".join)
)
def test_cheap_tests_only_skip_lines_the_passes_leave_alone(line: str) -> None:
    # repair_line runs some passes only on lines its cheap tests let through: the same as running all
    from khabar.text.display import PASSES, Change

    log: list[Change] = []
    cur = line
    for run in PASSES:
        shift = 0
        new = cur
        for c in run(cur):
            log.append(Change(c.start + shift, c.end + shift, c.new, c.reason))
            new = new[: c.start + shift] + c.new + new[c.end + shift :]
            shift += len(c.new) - (c.end - c.start)
        cur = new
    assert repair_line(line) == (cur, log)
