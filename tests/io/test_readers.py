"""Readers end to end through read_paths: formats, compression, bad input, limits, stdin, ordering."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import sys
import zipfile
from pathlib import Path

import pytest
import zstandard

from khabar.io import FieldMap, RawRecord, ReadError, read_paths
from tests.io.conftest import SEED

ARTICLES = [
    {
        "id": 1,
        "title": "عنوان أول",
        "text": "قال الرئيس في بيان اليوم إن المحادثات مستمرة.",
        "url": "http://a/1",
    },
    {"id": "b2", "title": "عنوان ثان", "content": "أعلنت وزارة الصحة عن حالات جديدة.", "date": "2015-08-11"},
    {"id": 3, "text": "نص ثالث عن الاقتصاد في المنطقة.", "source": "afp", "author": "مراسل"},
]


def jsonl_bytes(rows: list[dict[str, object]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")


def read(*paths: Path | str, **kwargs: object) -> list[RawRecord | ReadError]:
    return list(read_paths([str(p) for p in paths], **kwargs))  # type: ignore[arg-type]


def records(items: list[RawRecord | ReadError]) -> list[RawRecord]:
    return [r for r in items if isinstance(r, RawRecord)]


def errors(items: list[RawRecord | ReadError]) -> list[ReadError]:
    return [r for r in items if isinstance(r, ReadError)]


# --- txt ---------------------------------------------------------------------------------------------


def test_seed_is_one_record_equal_to_the_file(seed_text: str) -> None:
    [record] = read(SEED)
    assert isinstance(record, RawRecord)
    assert record.text == seed_text
    assert not record.text.endswith("\n")
    assert (record.origin_file, record.origin_record, record.encoding) == (str(SEED), 1, "utf-8")
    assert record.id is record.title is record.url is record.published is record.source is None


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1256", "iso8859_6"])
def test_seed_reencoded_reads_identically(tmp_path: Path, seed_text: str, encoding: str) -> None:
    path = tmp_path / f"seed-{encoding}.txt"
    path.write_bytes(seed_text.encode(encoding))
    [record] = read(path)
    assert isinstance(record, RawRecord)
    assert record.text == seed_text
    assert record.encoding == encoding


# --- JSON --------------------------------------------------------------------------------------------


def test_jsonl_fields_and_mapping(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(jsonl_bytes(ARTICLES))
    got = read(path)
    assert len(got) == 3 and not errors(got)
    first, second, third = records(got)
    assert (first.id, first.title, first.url, first.origin_record) == ("1", "عنوان أول", "http://a/1", 1)
    assert (second.id, second.text, second.published) == ("b2", ARTICLES[1]["content"], "2015-08-11")
    assert (third.source, third.extra, third.origin_record) == ("afp", {"author": "مراسل"}, 3)


@pytest.mark.parametrize(
    "suffix,compress",
    [
        (".gz", gzip.compress),
        (".bz2", bz2.compress),
        (".xz", lzma.compress),
        (".zst", lambda data: zstandard.ZstdCompressor().compress(data)),
    ],
)
def test_compressed_jsonl(tmp_path: Path, suffix: str, compress: object) -> None:
    path = tmp_path / f"a.jsonl{suffix}"
    path.write_bytes(compress(jsonl_bytes(ARTICLES)))  # type: ignore[operator]
    got = read(path)
    assert [r.text for r in records(got)] == [a.get("text") or a.get("content") for a in ARTICLES]
    assert not errors(got)


def test_compression_found_by_magic_bytes(tmp_path: Path) -> None:
    path = tmp_path / "mislabelled.jsonl"  # gzip content, no .gz suffix
    path.write_bytes(gzip.compress(jsonl_bytes(ARTICLES)))
    assert len(records(read(path))) == 3


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz", ".zst"])
def test_truncated_compression_keeps_records_then_errors(tmp_path: Path, suffix: str) -> None:
    rows = [{"id": i, "text": f"مقال رقم {i} " + "نص " * 50 + str(i * 7919)} for i in range(3000)]
    data = jsonl_bytes(rows)
    compressed = {
        ".gz": gzip.compress,
        ".bz2": lambda d: bz2.compress(d, 1),  # 100 kB blocks, so a cut file still has whole blocks
        ".xz": lzma.compress,
        ".zst": zstandard.ZstdCompressor().compress,
    }[suffix](data)
    path = tmp_path / f"cut.jsonl{suffix}"
    path.write_bytes(compressed[: len(compressed) * 2 // 3])
    got = read(path)
    assert isinstance(got[-1], ReadError)
    assert got[-1].record is None
    assert got[-1].reason.startswith("truncated or corrupt compressed data")
    good = records(got)
    assert 0 < len(good) < 3000
    assert [r.id for r in good] == [str(i) for i in range(len(good))]


def test_json_array_single_object_and_json_lines(tmp_path: Path) -> None:
    array = tmp_path / "array.json"
    array.write_text(json.dumps(ARTICLES, ensure_ascii=False, indent=2), encoding="utf-8")
    single = tmp_path / "single.json"
    single.write_text(json.dumps(ARTICLES[0], ensure_ascii=False, indent=4), encoding="utf-8")
    lines = tmp_path / "lines.json"
    lines.write_bytes(jsonl_bytes(ARTICLES))

    got = records(read(array))
    assert [r.origin_record for r in got] == [1, 2, 3]
    assert [r.id for r in got] == ["1", "b2", "3"]
    [one] = read(single)
    assert isinstance(one, RawRecord) and one.id == "1" and one.origin_record == 1
    assert [r.origin_record for r in records(read(lines))] == [1, 2, 3]


def test_broken_json_line_mid_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    good = jsonl_bytes(ARTICLES[:2]).decode()
    path.write_text(good + '{"id": 9, "text": "نص" "oops"}\n' + jsonl_bytes(ARTICLES[2:]).decode(), "utf-8")
    got = read(path)
    assert [type(r).__name__ for r in got] == ["RawRecord", "RawRecord", "ReadError", "RawRecord"]
    err = got[2]
    assert isinstance(err, ReadError)
    assert err.record == 3
    assert err.reason == "broken JSON at line 3: Expecting ',' delimiter (char 23)"
    assert err.raw == '{"id": 9, "text": "نص" "oops"}'
    assert str(err) == f"{path}:3: broken JSON at line 3: Expecting ',' delimiter (char 23)"
    assert got[3].origin_record == 4  # type: ignore[union-attr]


def test_broken_json_array_keeps_earlier_elements(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    text = json.dumps(ARTICLES, ensure_ascii=False, indent=1)
    path.write_text(text[: text.rindex("}")], encoding="utf-8")  # last element cut off
    got = read(path)
    assert len(records(got)) == 2
    [err] = errors(got)
    assert err.record == 3 and err.reason.startswith("broken JSON at line")


def test_missing_and_bad_text_fields(tmp_path: Path) -> None:
    rows = [
        {"id": 1, "title": "بلا نص"},
        {"id": 2, "text": None},
        {"id": 3, "text": ["a", "b"]},
        {"id": 4, "text": ""},
        {"id": 5, "text": "   \n"},
        {"id": 6, "text": "سليم"},
    ]
    path = tmp_path / "fields.jsonl"
    path.write_bytes(jsonl_bytes(rows) + b"[1, 2]\n")
    reasons = [str(r) if isinstance(r, ReadError) else r.text for r in read(path)]
    assert reasons == [
        f"{path}:1: no text field (tried: text, content)",
        f"{path}:2: text field 'text' is null",
        f"{path}:3: text field 'text' is not a string (list)",
        f"{path}:4: empty text",
        f"{path}:5: empty text",
        "سليم",
        f"{path}:7: expected a JSON object at line 7, got array",
    ]


def test_jsonl_in_cp1256_decodes_line_by_line(tmp_path: Path, seed_text: str) -> None:
    path = tmp_path / "legacy.jsonl"
    rows = [{"id": 1, "text": "English only"}, {"id": 2, "text": seed_text}, {"id": 3, "text": "قال الرئيس"}]
    path.write_bytes("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("cp1256"))
    got = records(read(path))
    assert [r.text for r in got] == [r["text"] for r in rows]
    assert [r.encoding for r in got] == ["utf-8", "cp1256", "cp1256"]


def test_jsonl_in_utf16(tmp_path: Path) -> None:
    path = tmp_path / "wide.jsonl"
    path.write_bytes(jsonl_bytes(ARTICLES).decode("utf-8").encode("utf-16"))
    got = read(path)
    assert [r.origin_record for r in records(got)] == [1, 2, 3] and not errors(got)


# --- limits ------------------------------------------------------------------------------------------


def test_ten_megabyte_line_and_txt(tmp_path: Path) -> None:
    big = "كلمة " * 2_000_000  # 10 M characters, ~18 MB of UTF-8
    path = tmp_path / "big.jsonl"
    path.write_bytes(jsonl_bytes([{"id": 1, "text": big}, ARTICLES[0]]))
    got = read(path, max_chars=20_000_000)
    assert [len(r.text) for r in records(got)] == [len(big), len(ARTICLES[0]["text"])]  # type: ignore[arg-type]
    txt = tmp_path / "big.txt"
    txt.write_text(big, encoding="utf-8")
    [record] = read(txt, max_chars=20_000_000)
    assert isinstance(record, RawRecord) and record.text == big


def test_record_over_max_chars_then_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "limit.jsonl"
    path.write_bytes(jsonl_bytes([{"id": 1, "text": "ا" * 1001}, ARTICLES[0]]))
    got = read(path, max_chars=1000)
    assert isinstance(got[0], ReadError)
    assert got[0].reason == "record too large: 1001 characters (limit 1000)"
    assert len(got[0].raw) <= 2000
    assert isinstance(got[1], RawRecord)


def test_line_far_over_the_limit_is_skipped_without_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    path.write_bytes(jsonl_bytes([{"id": 1, "text": "x" * 200_000}, ARTICLES[0]]))
    got = read(path, max_chars=1000)
    assert isinstance(got[0], ReadError) and got[0].record == 1
    assert got[0].reason.startswith("record too large: line of 2000")
    assert isinstance(got[1], RawRecord) and got[1].origin_record == 2


def test_txt_over_max_chars(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("ب" * 50, encoding="utf-8")
    [err] = read(path, max_chars=40)
    assert isinstance(err, ReadError) and err.reason == "record too large: 50 characters (limit 40)"


# --- bad files ---------------------------------------------------------------------------------------


def test_binary_empty_and_missing(tmp_path: Path) -> None:
    png = tmp_path / "image.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    empty_jsonl = tmp_path / "empty.json"
    empty_jsonl.write_bytes(b"")
    got = read(png, empty, empty_jsonl, tmp_path / "missing.txt", tmp_path / "nothing-*.jsonl", SEED)
    assert [str(e) for e in errors(got)] == [
        f"{png}: binary data, not text",
        f"{empty}: empty file",
        f"{empty_jsonl}: empty file",
        f"{tmp_path / 'missing.txt'}: no such file",
        f"{tmp_path / 'nothing-*.jsonl'}: no files match this pattern",
    ]
    assert errors(got)[0].raw  # an excerpt of the offending bytes is kept
    assert isinstance(got[-1], RawRecord)  # reading went on


def test_read_error_raw_is_bounded() -> None:
    err = ReadError("f", 1, "multi\nline reason", "x" * 10_000)
    assert err.reason == "multi line reason"
    assert len(err.raw) == 2000


# --- CSV / Parquet -----------------------------------------------------------------------------------

CUSTOM = FieldMap(id=("doc_id",), text=("body",), title=("headline",), published=("pub_date",))


def test_csv_and_tsv_with_custom_field_map(tmp_path: Path, seed_text: str) -> None:
    path = tmp_path / "news.csv"
    path.write_text(
        "doc_id,headline,body,pub_date,section\n"
        f'7,عنوان,"{seed_text.replace(chr(34), chr(34) * 2)}",2022-01-01,سياسة\n'
        "8,عنوان آخر,,2022-01-02,رياضة\n"
        "9,short row\n",
        encoding="utf-8",
    )
    got = read(path, field_map=CUSTOM)
    first = got[0]
    assert isinstance(first, RawRecord)
    assert (first.id, first.title, first.published, first.text) == ("7", "عنوان", "2022-01-01", seed_text)
    assert first.extra == {"section": "سياسة"} and first.origin_record == 1
    assert [str(e) for e in errors(got)] == [
        f"{path}:2: empty text",
        f"{path}:3: row has 2 fields, header has 5 (line {seed_text.count(chr(10)) + 4})",
    ]
    tsv = tmp_path / "news.tsv.gz"
    tsv.write_bytes(gzip.compress("doc_id\tbody\n1\tنص\tعربي\n2\tنص آخر\n".encode("cp1256")))
    got = read(tsv, field_map=CUSTOM)
    assert [str(e) for e in errors(got)] == [
        f"{tsv}: row has 3 fields, header has 2 (line 2)".replace(": row", ":1: row")
    ]
    assert [r.text for r in records(got)] == ["نص آخر"]


def test_csv_huge_field(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("id,text\n1," + "ن" * 1_000_000 + "\n", encoding="utf-8")
    [record] = read(path)
    assert isinstance(record, RawRecord) and len(record.text) == 1_000_000


def test_parquet_with_custom_field_map(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "doc_id": [10, 11, 12],
            "body": ["الخبر الأول", None, "الخبر الثالث"],
            "headline": ["أ", "ب", "ج"],
            "pub_date": ["2015-08-11", "2015-08-12", None],
            "views": [1, 2, 3],
        }
    )
    path = tmp_path / "news.parquet"
    pq.write_table(table, path, row_group_size=2)
    got = read(path, field_map=CUSTOM)
    assert [type(r).__name__ for r in got] == ["RawRecord", "ReadError", "RawRecord"]
    first, err, third = got
    assert isinstance(first, RawRecord) and isinstance(third, RawRecord) and isinstance(err, ReadError)
    assert (first.id, first.title, first.published, first.extra) == ("10", "أ", "2015-08-11", {"views": "1"})
    assert (third.origin_record, third.published) == (3, None)
    assert str(err) == f"{path}:2: text field 'body' is null"


def test_corrupt_parquet(tmp_path: Path) -> None:
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"PAR1 not really parquet")
    [err] = read(path)
    assert isinstance(err, ReadError) and err.reason.startswith("not a valid Parquet file")


# --- zip ---------------------------------------------------------------------------------------------

SNN = [
    {
        "source": "aleqtisadiya",
        "url": "http://www.aleqt.com/2015/08/11/article_1.html",
        "date_extracted": "2015-08-11 13:36:34",
        "title": "عنوان الخبر",
        "author": "فهد الخميسي",
        "content": " أعلنت الشركة عن أرباحها السنوية.\nوقال الرئيس التنفيذي إن النتائج جيدة.",
    },
    {
        "source": "aljazirah",
        "url": "http://www.al-jazirah.com/2015/20150811/fe8.htm",
        "date_extracted": "2015-08-11 13:39:29",
        "title": "خبر بلا محتوى",
        "author": "",
        "content": "",
    },
]


def test_zip_with_json_array_like_saudinewsnet(tmp_path: Path) -> None:
    path = tmp_path / "2015-08-11.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("2015-08-11.json", json.dumps(SNN, ensure_ascii=False, indent=4))
        zf.writestr("more/extra.jsonl.gz", gzip.compress(jsonl_bytes(ARTICLES[:1])))
        zf.writestr("__MACOSX/._2015-08-11.json", b"\x00\x05\x16\x07")
        zf.writestr("notes.txt", "ملاحظة قصيرة")
    got = read(path)
    first = got[0]
    assert isinstance(first, RawRecord)
    assert first.origin_file == f"{path}!2015-08-11.json" and first.origin_record == 1
    assert (first.published, first.source, first.title) == (
        "2015-08-11 13:36:34",
        "aleqtisadiya",
        "عنوان الخبر",
    )
    assert first.extra == {"author": "فهد الخميسي"} and first.text == SNN[0]["content"]
    assert str(got[1]) == f"{path}!2015-08-11.json:2: empty text"
    assert [r.origin_file for r in got[2:]] == [f"{path}!more/extra.jsonl.gz", f"{path}!notes.txt"]


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "fake.zip"
    path.write_bytes(b"this is not a zip")
    [err] = read(path)
    assert isinstance(err, ReadError) and err.reason.startswith("not a valid zip archive")


def test_real_saudinewsnet_zip(saudinewsnet_zip: Path) -> None:
    got = read(saudinewsnet_zip)
    assert len(got) == 1686
    good = records(got)
    assert all(e.reason == "empty text" for e in errors(got))  # the corpus has some empty articles
    assert len(good) > 1600
    assert all(r.published and r.source and r.url and "author" in r.extra for r in good)
    numbers = [r.origin_record if isinstance(r, RawRecord) else r.record for r in got]
    assert numbers == list(range(1, 1687))


# --- stdin, unknown extensions, directories ---------------------------------------------------------


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_stdin_jsonl(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, b"\n  " + jsonl_bytes(ARTICLES))
    got = read("-")
    assert [(r.origin_file, r.origin_record) for r in records(got)] == [("<stdin>", n) for n in (2, 3, 4)]


def test_stdin_text(monkeypatch: pytest.MonkeyPatch, seed_text: str) -> None:
    _stdin(monkeypatch, seed_text.encode("cp1256"))
    [record] = read("-")
    assert isinstance(record, RawRecord) and record.text == seed_text and record.encoding == "cp1256"


def test_stdin_json_array_and_gzip(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, gzip.compress(json.dumps(ARTICLES).encode()))
    assert len(records(read("-"))) == 3


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    as_json = tmp_path / "dump.data"
    as_json.write_bytes(jsonl_bytes(ARTICLES))
    as_text = tmp_path / "README"
    as_text.write_text("خبر عاجل", encoding="utf-8")
    got = read(as_json, as_text)
    assert [r.text for r in records(got)][-1] == "خبر عاجل"
    assert len(records(got)) == 4


def test_directory_recursion_is_sorted(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    for rel in [
        "b.txt",
        "a/z.txt",
        "a-c.txt",
        "a/sub/y.jsonl",
        ".hidden.txt",
        "c/.git/x.txt",
        "A.txt",
        "README.md",
    ]:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".jsonl":
            path.write_bytes(jsonl_bytes([{"text": rel}]))
        else:
            path.write_text(rel, encoding="utf-8")
    got = read(root)
    assert [r.text for r in records(got)] == ["A.txt", "a/sub/y.jsonl", "a/z.txt", "a-c.txt", "b.txt"]
    assert got == read(root)  # deterministic
    globbed = read(root / "**" / "*.txt")
    assert [r.text for r in records(globbed)] == sorted(["A.txt", "a-c.txt", "b.txt", "a/z.txt"])
    # README.md is skipped in a directory walk, but read (sniffed as text) when named explicitly.
    assert [r.text for r in records(read(root / "README.md"))] == ["README.md"]
