"""Bytes -> text, with Arabic legacy code pages handled correctly.

Order of the checks in :func:`decode_bytes` (cheapest and most certain first):

1. empty input -> :class:`EmptyInputError`;
2. a BOM (UTF-8-SIG, UTF-32 LE/BE, UTF-16 LE/BE): trusted;
3. NUL bytes: only UTF-16/UTF-32 text has them, so try BOM-less UTF-16/32, else :class:`BinaryDataError`;
4. strict UTF-8 - the fast path: almost all input stops here, with no detector run at all;
5. BOM-less UTF-16 without NULs (Arabic UTF-16 has high bytes 0x06, not 0x00);
6. binary signatures and control-character density -> :class:`BinaryDataError`;
7. "almost UTF-8" (a few stray invalid bytes among many valid multibyte sequences): UTF-8 with U+FFFD,
   reported as ``utf-8+replace`` so the damage is visible instead of the whole text turning to mojibake;
8. Arabic legacy code pages: windows-1256 and ISO-8859-6 are both tried and *scored* on Arabic
   plausibility (see :func:`arabic_score`) - charset-normalizer routinely confuses the two (and with
   cp1252/cp864/mac_arabic), and each decodes the other's bytes into valid-looking Arabic letters;
9. charset-normalizer for everything else, post-checked with the same Arabic scorer.
"""

from __future__ import annotations

import codecs
from collections import Counter

import regex

__all__ = [
    "ARABIC_LEGACY",
    "BinaryDataError",
    "DecodeError",
    "EmptyInputError",
    "UndetectableEncodingError",
    "arabic_score",
    "decode_bytes",
    "detect_utf16",
    "stream_encoding",
]

ARABIC_LEGACY = ("cp1256", "iso8859_6")
_SAMPLE = 1 << 16  # bytes inspected by the statistical checks; decoding itself always covers all data


class DecodeError(ValueError):
    """Bytes that could not be turned into text; ``str(exc)`` is the one-line reason."""


class EmptyInputError(DecodeError):
    def __init__(self) -> None:
        super().__init__("empty file")


class BinaryDataError(DecodeError):
    def __init__(self) -> None:
        super().__init__("binary data, not text")


class UndetectableEncodingError(DecodeError):
    def __init__(self) -> None:
        super().__init__("could not detect the text encoding")


# UTF-32 BOMs must be checked before UTF-16 ones: FF FE 00 00 starts with the UTF-16-LE BOM.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_BINARY_MAGIC = (
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"%PDF",
    b"PK\x03\x04",
    b"\x7fELF",
    b"\x1f\x8b",
    b"BZh9",
    b"\xfd7zXZ\x00",
    b"\x28\xb5\x2f\xfd",
    b"RIFF",
    b"\x00\x00\x01\x00",  # ICO
    b"OggS",
    b"ID3",
)

# C0 controls other than \t \n \v \f \r and ESC/SUB (seen in old DOS text); DEL too.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0E, *range(0x0F, 0x1A), *range(0x1C, 0x20), 0x7F])
_CONTROL_TABLE = bytes.maketrans(_CONTROL_BYTES, b"\x00" * len(_CONTROL_BYTES))


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding named by a BOM at the start of ``data`` and the BOM length, or None."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None


def detect_utf16(data: bytes) -> str | None:
    """Guess BOM-less UTF-16/32 from byte patterns; returns a codec name or None.

    In UTF-16 text one byte of each pair (the high byte) takes very few values: 0x00 for ASCII, 0x06 for
    Arabic, 0x20 for punctuation, 0xFE/0xFB for presentation forms. Real 8-bit text never looks like that.
    """
    sample = data[: _SAMPLE - (_SAMPLE % 4)] if len(data) > _SAMPLE else data
    if len(sample) < 4:
        return None
    if len(sample) % 4 == 0 and sample.count(b"\x00") >= len(sample) // 2:
        for name, start in (("utf-32-le", 2), ("utf-32-be", 0)):
            # UTF-32 for BMP text: two NUL bytes per code unit, at fixed positions.
            zeros = sample[start::4].count(0) + sample[start + 1 :: 4].count(0)
            if zeros >= len(sample) // 2 * 0.95 and _clean_decode(data, name):
                return name
    if len(sample) % 2:
        sample = sample[:-1]
    pairs = len(sample) // 2
    for name, hi_start in (("utf-16-le", 1), ("utf-16-be", 0)):
        hi = Counter(sample[hi_start::2])
        lo = Counter(sample[1 - hi_start :: 2])
        top_hi = sum(c for _, c in hi.most_common(3))
        top_lo = sum(c for _, c in lo.most_common(3))
        if top_hi >= 0.9 * pairs and top_lo < 0.9 * pairs and _clean_decode(data, name):
            return name
    return None


def _clean_decode(data: bytes, encoding: str) -> bool:
    """True if ``data`` decodes strictly and the result is essentially free of control characters."""
    try:
        text = (
            data[: _SAMPLE * 2].decode(encoding) if encoding.startswith("utf-16") else data.decode(encoding)
        )
    except UnicodeDecodeError as exc:
        # A cut in the sample's last code unit is fine; any earlier error is not.
        if exc.start < min(len(data), _SAMPLE * 2) - 4:
            return False
        text = data[: exc.start].decode(encoding, errors="ignore")
    if not text:
        return False
    controls = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r\f\v\x1a\x1b") or ch == "\x7f")
    return controls <= len(text) * 0.001


def _looks_binary(data: bytes) -> bool:
    sample = data[:_SAMPLE]
    if sample.startswith(_BINARY_MAGIC):
        return True
    controls = sample.translate(_CONTROL_TABLE).count(0)
    return controls > max(2, len(sample) * 0.01)


# --- Arabic scoring ----------------------------------------------------------------------------------

_AR_LETTER = r"[\u0621-\u063A\u0641-\u064A]"
_WORD = regex.compile(r"[\u0621-\u063A\u0640-\u0652\u00C0-\u00FF]+")
_COMMON_WORDS = frozenset(
    (  # noqa: SIM905 - a word list reads better as one string
        "في من على إلى الى عن أن ان التي الذي مع هذا هذه كان قد لا ما أو او بين بعد قبل حتى كما وقال قال "
        "عام اليوم يوم وزير رئيس حيث لم لن كل خلال"
    ).split()
)
_HARAKA_MISPLACED = regex.compile(r"(?:^|[^\u0621-\u064A\u0640])[\u064B-\u0652]|[\u064B-\u0652]{3,}")
_LATIN_IN_ARABIC = regex.compile(
    rf"{_AR_LETTER}[\u00C0-\u00FF]|[\u00C0-\u00FF]{_AR_LETTER}", flags=regex.VERSION1
)


def arabic_score(text: str) -> float:
    """How plausible ``text`` is as Arabic, per character of Arabic script (higher is better).

    Rewards the definite article at word start (``ال``, the most frequent Arabic bigram) and frequent
    function words; penalises the tell-tales of a wrong code page: Latin accented letters glued to
    Arabic letters (ISO-8859-6 read as cp1256 turns و ي ق ه into è ê â ç) and harakat with no letter
    to sit on (cp1256 read as ISO-8859-6 turns ل-ي into diacritics).
    """
    words = _WORD.findall(text)
    if not words:
        return 0.0
    score = 0.0
    for word in words:
        if word.startswith("ال") or word.startswith("وال") or word.startswith("بال"):
            score += 2
        if word in _COMMON_WORDS:
            score += 3
    score -= 4 * len(_LATIN_IN_ARABIC.findall(text))
    score -= 4 * len(_HARAKA_MISPLACED.findall(text))
    return score / max(1, len(words))


_GLUED_TO_LATIN = regex.compile(r"[A-Za-z][\u0600-\u06FF]|[\u0600-\u06FF][A-Za-z]")


def _looks_arabic(text: str) -> bool:
    """Arabic script dominates the non-ASCII characters and is not glued inside Latin words.

    The second test rejects e.g. French cp1252 read as ISO-8859-6, where é/è become ى/و inside
    'prىsident': real Arabic almost never touches a Latin letter without a space.
    """
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    if not non_ascii:
        return False
    arabic = sum(1 for ch in text if "\u0600" <= ch <= "\u06ff")
    if arabic < 0.6 * non_ascii:
        return False
    return len(_GLUED_TO_LATIN.findall(text)) <= 0.02 * arabic


def _best_arabic(data: bytes, extra: tuple[str, ...] = ()) -> tuple[str, str] | None:
    """Decode ``data`` with each Arabic legacy candidate; return the most plausible Arabic decoding."""
    best: tuple[float, int, str, str] | None = None
    for rank, encoding in enumerate((*ARABIC_LEGACY, *(e for e in extra if e not in ARABIC_LEGACY))):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if not _looks_arabic(text[:_SAMPLE]):
            continue
        # Ties go to the earlier candidate (cp1256: by far the most common legacy Arabic encoding).
        key = (arabic_score(text[:_SAMPLE]), -rank, encoding, text)
        if best is None or key[:2] > best[:2]:
            best = key
    if best is None:
        return None
    return best[3], best[2]


def _almost_utf8(data: bytes) -> str | None:
    """UTF-8 with a handful of stray bytes: decode with U+FFFD rather than misdetect the whole text."""
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    multibyte = sum(1 for ch in text if ord(ch) > 127) - text.count("\ufffd")
    if multibyte >= 20 and replaced * 100 <= multibyte:
        return text
    return None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode ``data`` to text; return ``(text, encoding)``.

    Raises :class:`EmptyInputError`, :class:`BinaryDataError` or :class:`UndetectableEncodingError`
    (all :class:`DecodeError`, whose message is the human reason). A BOM is stripped from the text.
    """
    if not data:
        raise EmptyInputError()
    found = bom_encoding(data)
    if found is not None:
        encoding, _ = found
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            pass  # a BOM-like prefix on non-Unicode bytes (e.g. cp1256 'ÿþ'); keep detecting
    if b"\x00" in data:
        utf16 = detect_utf16(data)
        if utf16 is None:
            raise BinaryDataError()
        return data.decode(utf16, errors="replace"), utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    utf16 = detect_utf16(data)
    if utf16 is not None:
        return data.decode(utf16, errors="replace"), utf16
    if _looks_binary(data):
        raise BinaryDataError()
    text = _almost_utf8(data)
    if text is not None:
        return text, "utf-8+replace"
    arabic = _best_arabic(data)
    if arabic is not None:
        return arabic
    return _charset_normalizer(data)


def _charset_normalizer(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes  # local: import cost only paid for non-UTF-8 input

    results = from_bytes(data)
    best = results.best()
    if best is None:
        raise UndetectableEncodingError()
    for match in results:
        # Equally clean cp1250 vs cp1252 is a coin toss for the detector; cp1252 is far more common.
        if match.encoding == "cp1252" and match.chaos <= best.chaos and match.coherence >= best.coherence:
            best = match
            break
    encoding = best.encoding
    # Post-check: if the detector thinks it is some Arabic code page, let the scorer choose among them.
    if encoding in {"cp1256", "iso8859_6", "cp864", "cp720", "mac_arabic", "cp1006"}:
        arabic = _best_arabic(data, extra=(encoding,))
        if arabic is not None:
            return arabic
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        return str(best), encoding


def stream_encoding(head: bytes) -> tuple[str, str, str]:
    """(codec, error handler, reported name) for a stream decoded incrementally, decided from its first
    bytes ``head`` (a sample: the rest is not seen). Raises DecodeError for binary data.

    A few stray NUL bytes (a damaged record) do not make the whole stream binary: the decision is then
    made on the sample without them, and the record holding them is the reader's to report.
    """
    found = bom_encoding(head)
    if found is not None:
        return found[0], "strict", found[0]
    if b"\x00" in head:
        wide = detect_utf16(head)
        if wide is not None:
            return wide, "strict", wide
        if head.count(b"\x00") * 100 > len(head):
            raise BinaryDataError()
        head = head.replace(b"\x00", b"")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8", "strict", "utf-8"
    except UnicodeDecodeError:
        pass
    wide = detect_utf16(head)
    if wide is not None:
        return wide, "strict", wide
    _, name = decode_bytes(head)  # may raise DecodeError: binary data
    if name == "utf-8+replace":
        return "utf-8", "replace", name
    return name, "strict", name
