"""decode_bytes: BOMs, UTF-8 fast path, UTF-16 sniffing, Arabic legacy code pages, binary and empty."""

from __future__ import annotations

import os

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from khabar.io.encoding import BinaryDataError, EmptyInputError, arabic_score, decode_bytes

SENTENCES = [
    "ذهب الولد إلى المدرسة",
    "قال الرئيس في بيان",
    "السلام عليكم",
    "شكرا جزيلا لكم",
    "وقعت المعاهدة بين الدولتين يوم الأحد",
    "أعلنت وزارة الصحة اليوم عن تسجيل حالات جديدة في المنطقة الشرقية، وأكدت أن الوضع تحت السيطرة.",
]


def test_seed_reencoded_decodes_identically(seed_text: str) -> None:
    for encoding, expected_name in [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),  # LE with BOM on this platform's codec
        ("utf-16-le", "utf-16-le"),  # BOM-less: sniffed from the 0x06 high bytes
        ("utf-16-be", "utf-16-be"),
        ("utf-32", "utf-32"),
        ("cp1256", "cp1256"),
        ("iso8859_6", "iso8859_6"),
    ]:
        text, name = decode_bytes(seed_text.encode(encoding))
        assert text == seed_text, encoding
        assert name == expected_name, encoding


@pytest.mark.parametrize("sentence", SENTENCES)
@pytest.mark.parametrize("encoding", ["cp1256", "iso8859_6"])
def test_arabic_legacy_short_sentences(sentence: str, encoding: str) -> None:
    text, name = decode_bytes(sentence.encode(encoding))
    assert (text, name) == (sentence, encoding)


@pytest.mark.parametrize("encoding", ["cp1256", "iso8859_6"])
def test_arabic_legacy_long_text(seed_text: str, encoding: str) -> None:
    long_text = "\n".join([*SENTENCES, seed_text] * 30)
    assert decode_bytes(long_text.encode(encoding)) == (long_text, encoding)


def test_arabic_legacy_with_ascii_mixed_in() -> None:
    text = "الرياض (أ ف ب) - قال وزير الخارجية في مؤتمر صحفي عام 2015 إن المحادثات مستمرة."
    for encoding in ("cp1256", "iso8859_6"):
        assert decode_bytes(text.encode(encoding)) == (text, encoding)


def test_scorer_prefers_the_right_code_page() -> None:
    sentence = SENTENCES[-1]
    as_iso = sentence.encode("iso8859_6")
    assert arabic_score(as_iso.decode("iso8859_6")) > arabic_score(as_iso.decode("cp1256"))


def test_utf16_le_with_bom(seed_text: str) -> None:
    data = b"\xff\xfe" + seed_text.encode("utf-16-le")
    assert decode_bytes(data) == (seed_text, "utf-16")


def test_bomless_utf16_ascii_uses_nul_pattern() -> None:
    text = "Plain English news wire text, line one.\nLine two.\n"
    assert decode_bytes(text.encode("utf-16-le")) == (text, "utf-16-le")
    assert decode_bytes(text.encode("utf-16-be")) == (text, "utf-16-be")


def test_empty_is_an_error() -> None:
    with pytest.raises(EmptyInputError, match=r"^empty file$"):
        decode_bytes(b"")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        b"hello\x00world\x00\x00\x01\x02binary",
        os.urandom(4096),
        bytes(range(256)) * 8,
    ],
    ids=["png", "nul", "random", "all-bytes"],
)
def test_binary_is_an_error(data: bytes) -> None:
    with pytest.raises(BinaryDataError, match=r"^binary data, not text$"):
        decode_bytes(data)


def test_almost_utf8_keeps_the_text_and_says_so(seed_text: str) -> None:
    data = seed_text.encode("utf-8") + b" \xff"
    text, name = decode_bytes(data)
    assert name == "utf-8+replace"
    assert text == seed_text + " \ufffd"


def test_latin_legacy_falls_through_to_charset_normalizer() -> None:
    text = "Le président a déclaré que la coopération économique était très importante. " * 5
    decoded, name = decode_bytes(text.encode("cp1252"))
    assert decoded == text
    assert name != "utf-8"


@given(st.text())
def test_utf8_round_trip(s: str) -> None:
    # Documented exceptions: empty input is an error, NUL bytes mean binary/UTF-16, and a leading
    # U+FEFF is a byte-order mark by definition (stripped, reported as utf-8-sig).
    assume(s and "\x00" not in s and not s.startswith("\ufeff"))
    assert decode_bytes(s.encode("utf-8")) == (s, "utf-8")
