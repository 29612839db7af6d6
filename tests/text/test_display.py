from __future__ import annotations

from hypothesis import given
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
