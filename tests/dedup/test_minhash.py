from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khabar.dedup.minhash import (
    EMPTY_SIGNATURE_VALUE,
    MinHasher,
    band_hashes,
    containment,
    is_empty_signature,
    jaccard,
    shingles,
    shingles_many,
    word_hashes,
    word_ngram_hashes,
)
from khabar.text.keys import match_key
from khabar.text.tokens import WORD_RE

REPO = Path(__file__).resolve().parents[2]

PARAGRAPH = (
    "أعلنت وزارة الصحة السعودية اليوم عن إطلاق حملة وطنية للتطعيم ضد الإنفلونزا الموسمية، "
    "تستهدف أكثر من ٥ ملايين مواطن ومقيم في جميع مناطق المملكة، وتستمر الحملة حتى نهاية العام "
    "بمشاركة ٢٠٠ مركز صحي. وقال المتحدث الرسمي للوزارة إن اللقاح متوفر مجاناً في المستشفيات."
)
# The same paragraph with harakat, tatweel, hamza-less alef, ى for ي and Western digits.
VARIANT = (
    "أَعْلَنَتْ وِزارةُ الصِّحَّةِ الســـعودية اليومَ عن اطلاق حملة وطنية للتطعيم ضد الانفلونزا الموسمية، "
    "تستهدف اكثر من 5 ملايين مواطن ومقيم فى جميع مناطق المملكة، وتستمر الحملـــة حتى نهاية العام "
    "بمشاركة 200 مركز صحي. وقال المتحدث الرسمي للوزارة ان اللقاح متوفر مجاناً في المستشفيات."
)


def test_variants_of_a_paragraph_have_identical_shingles() -> None:
    a, b = shingles(match_key(PARAGRAPH)), shingles(match_key(VARIANT))
    assert len(a) > 20
    assert np.array_equal(a, b)
    h = MinHasher(128)
    assert np.array_equal(h.sign(a), h.sign(b))


def test_shingles_are_sorted_unique_uint32_and_match_the_word_list_path() -> None:
    key = match_key(PARAGRAPH + " " + PARAGRAPH)  # repeated text: duplicates collapse
    s = shingles(key)
    assert s.dtype == np.uint32
    assert np.array_equal(s, np.unique(s))
    assert np.array_equal(s, word_ngram_hashes(WORD_RE.findall(key), 5))
    words = WORD_RE.findall(key)
    assert len(s) == len({tuple(words[i : i + 5]) for i in range(len(words) - 4)})


@pytest.mark.parametrize(
    "text",
    [
        "abc123 x",
        "1.2.3 4,5 6..7 ٫8",
        "a\u0301b \u0301c d\u064b\u064b e",
        "x\U0001d400y 😀 z\ud800w",
        "٣٫١٤ و٥٬٠٠٠",
    ],
)
def test_tokenizer_agrees_with_word_re(text: str) -> None:
    (flat, offsets) = shingles_many([text], n=1)
    assert np.array_equal(flat, word_ngram_hashes(WORD_RE.findall(text), 1))
    assert offsets.tolist() == [0, len(flat)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="اب١2.,٫ \u064b\u0301ـxY-", max_size=30), max_size=6))
def test_batched_shingles_equal_per_doc_and_word_re(texts: list[str]) -> None:
    flat, offsets = shingles_many(texts, n=2)
    for i, t in enumerate(texts):
        expected = word_ngram_hashes(WORD_RE.findall(t), 2)
        assert np.array_equal(flat[offsets[i] : offsets[i + 1]], expected)
        assert np.array_equal(shingles(t, 2), expected)


def test_empty_doc_and_doc_shorter_than_n() -> None:
    assert shingles("").size == 0
    assert shingles("   ,.; ").size == 0
    assert word_ngram_hashes([], 5).size == 0
    short = shingles("وزارة الصحة السعودية")
    assert short.size == 1  # one shingle of the whole sequence
    assert np.array_equal(short, word_ngram_hashes(["وزارة", "الصحة", "السعودية"], 5))
    assert not np.array_equal(short, shingles("وزارة الصحة"))
    h = MinHasher(64)
    empty = h.sign(np.empty(0, dtype=np.uint32))
    assert (empty == EMPTY_SIGNATURE_VALUE).all() and is_empty_signature(empty)
    assert not is_empty_signature(h.sign(short))
    sigs = h.sign_many([short, np.empty(0, dtype=np.uint32), short])
    assert is_empty_signature(sigs).tolist() == [False, True, False]
    assert np.array_equal(sigs[0], sigs[2])


def test_word_order_and_word_hash_stability() -> None:
    assert not np.array_equal(shingles("a b c d e"), shingles("e d c b a"))
    w = word_hashes(["سلام", "", "abc"])
    assert w.dtype == np.uint64 and len(w) == 2
    assert len(set(word_hashes(["ab", "ba", "a", "b", "abc"]).tolist())) == 5


def test_identical_texts_identical_signatures() -> None:
    h = MinHasher(128, seed=3)
    s = shingles(match_key(PARAGRAPH))
    assert np.array_equal(h.sign(s), MinHasher(128, seed=3).sign(s.copy()))
    assert not np.array_equal(h.sign(s), MinHasher(128, seed=4).sign(s))


_CHILD = """
import sys, numpy as np
from khabar.dedup.minhash import MinHasher, band_hashes, shingles_many
flat, off = shingles_many(sys.argv[1:], 5)
sig = MinHasher(112, seed=9).sign_flat(flat, off)
sys.stdout.write(flat.tobytes().hex() + " " + sig.tobytes().hex() + " " + band_hashes(sig, 14, 8).tobytes().hex())
"""


def test_deterministic_across_processes() -> None:
    texts = [match_key(PARAGRAPH), match_key(VARIANT) + " تمت", "قصير"]
    outs = []
    for seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO / "src")}
        res = subprocess.run(
            [sys.executable, "-c", _CHILD, *texts], env=env, capture_output=True, text=True, check=True
        )
        outs.append(res.stdout)
    flat, off = shingles_many(texts, 5)
    sig = MinHasher(112, seed=9).sign_flat(flat, off)
    here = flat.tobytes().hex() + " " + sig.tobytes().hex() + " " + band_hashes(sig, 14, 8).tobytes().hex()
    assert outs[0] == outs[1] == here


def _sets_with_jaccard(rng: np.random.Generator, j: float, size: int = 400) -> tuple[np.ndarray, np.ndarray]:
    # |A∩B| = j/(1+j)·(|A|+|B|) with |A| = |B| = size.
    inter = round(2 * size * j / (1 + j))
    pool = rng.choice(2**32, size=2 * size, replace=False).astype(np.uint32)
    common, rest = pool[:inter], pool[inter:]
    a = np.sort(np.concatenate([common, rest[: size - inter]]))
    b = np.sort(np.concatenate([common, rest[size - inter : 2 * (size - inter)]]))
    return a, b


def test_estimator_accuracy() -> None:
    rng = np.random.default_rng(0)
    h = MinHasher(128)
    ests = []
    for _ in range(40):
        a, b = _sets_with_jaccard(rng, 0.8)
        assert jaccard(a, b) == pytest.approx(0.8, abs=0.005)
        ests.append(float((h.sign(a) == h.sign(b)).mean()))
    # One estimate has sd sqrt(0.8·0.2/128) ≈ 0.035; the mean of 40 has sd ≈ 0.0056.
    assert all(abs(e - 0.8) < 0.16 for e in ests)  # > 4.5 sd
    assert abs(np.mean(ests) - 0.8) < 0.02
    a, b = _sets_with_jaccard(rng, 0.0)
    assert (h.sign(a) == h.sign(b)).mean() < 0.05


def test_band_hashes_shape_and_stability() -> None:
    rng = np.random.default_rng(1)
    sig = rng.integers(0, 2**32, size=(5, 128), dtype=np.uint64).astype(np.uint32)
    sig[3] = sig[1]
    sig[4, :8] = sig[0, :8]  # same first band only
    bh = band_hashes(sig, 16, 8)
    assert bh.shape == (5, 16) and bh.dtype == np.uint64
    assert np.array_equal(bh, band_hashes(sig.copy(), 16, 8))
    assert np.array_equal(bh[1], bh[3])
    assert bh[4, 0] == bh[0, 0] and (bh[4, 1:] != bh[0, 1:]).all()
    # Band index salts the hash: equal rows in different bands land in different buckets.
    same = np.tile(sig[:1, :8], (1, 16))
    assert len(set(band_hashes(same, 16, 8)[0].tolist())) == 16
    assert band_hashes(sig, 20, 6).shape == (5, 20)
    with pytest.raises(ValueError):
        band_hashes(sig, 17, 8)


def test_jaccard_and_containment_exact() -> None:
    a = np.array([1, 3, 5, 7], dtype=np.uint32)
    b = np.array([3, 4, 5, 6, 7, 8], dtype=np.uint32)
    assert jaccard(a, b) == pytest.approx(3 / 7)
    assert jaccard(b, a) == pytest.approx(3 / 7)
    assert containment(a, b) == pytest.approx(3 / 4)
    assert containment(b, a) == pytest.approx(3 / 6)
    assert jaccard(a, a) == 1.0 and containment(a, a) == 1.0
    empty = np.empty(0, dtype=np.uint32)
    assert jaccard(empty, empty) == 0.0 and jaccard(a, empty) == 0.0
    assert containment(empty, a) == 0.0 and containment(a, empty) == 0.0
    big = np.array([2**32 - 1], dtype=np.uint32)
    assert jaccard(big, np.array([0, 2**32 - 1], dtype=np.uint32)) == 0.5


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 2**32 - 1), max_size=60), max_size=12),
    st.sampled_from([1, 7, 64, 128]),
)
def test_sign_many_equals_sign_rowwise(sets: list[list[int]], num_perm: int) -> None:
    h = MinHasher(num_perm, seed=5)
    arrays = [np.array(s, dtype=np.uint32) for s in sets]
    many = h.sign_many(arrays)
    assert many.shape == (len(arrays), num_perm) and many.dtype == np.uint32
    for row, arr in zip(many, arrays, strict=True):
        assert np.array_equal(row, h.sign(arr))


def test_sign_flat_chunking_and_large_docs(monkeypatch: pytest.MonkeyPatch) -> None:
    import khabar.dedup.minhash as mh

    rng = np.random.default_rng(2)
    arrays = [
        rng.integers(0, 2**32, size=n, dtype=np.uint64).astype(np.uint32) for n in (0, 5, 300, 0, 40, 1)
    ]
    h = MinHasher(16)
    ref = np.array([h.sign(a) for a in arrays])
    monkeypatch.setattr(mh, "_SIGN_CHUNK_ELEMS", 16 * 50)  # forces multi-chunk and the >buffer path
    assert np.array_equal(h.sign_many(arrays), ref)
    assert np.array_equal(h.sign(arrays[2]), ref[2])
