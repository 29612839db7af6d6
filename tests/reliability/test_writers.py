"""Writers never crash on text UTF-8 cannot encode, never lose a batch, and refuse unknown outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import khabar
from khabar.io.writers import ErrorWriter, JsonlWriter, OutputError, ParquetWriter, open_writer, output_format
from khabar.record import Article, from_arrow

SEED_LINE = "وقالت الوزارة إن الاجتماع سيعقد في الرياض الأسبوع المقبل لبحث التعاون."


def test_refine_repairs_a_lone_surrogate_logs_it_and_restores_it() -> None:
    # json.loads('"\\ud800"') gives this: before, refine raised UnicodeEncodeError (in derive_id)
    text = f"{SEED_LINE} \ud800 نهاية\nسطر ثان"
    a = khabar.refine(text, stages=())
    assert a.paragraphs == [f"{SEED_LINE} \ufffd نهاية", "سطر ثان"]
    (edit,) = a.edits
    assert (edit.reason, edit.old, edit.new, edit.start, edit.end) == (
        "lone-surrogate",
        "\ud800",
        "\ufffd",
        71,
        72,
    )
    line = a.to_json()
    line.encode("utf-8")  # valid UTF-8: the edit's old is the escape text
    assert '"old":"\\\\ud800"' in line
    back = Article.from_json(line)
    assert back == a and khabar.restore(back) == text
    (from_parquet,) = from_arrow(pq.read_table(_parquet_of([a])))
    assert from_parquet == a and khabar.restore(from_parquet) == text


def _parquet_of(articles: list[Article], tmp: Path | None = None) -> str:
    import tempfile

    path = Path(tmp or tempfile.mkdtemp()) / "a.parquet"
    w = ParquetWriter(path)
    for a in articles:
        w.write(a)
    w.close()
    return str(path)


@settings(max_examples=60)
@given(
    st.lists(
        st.one_of(st.sampled_from(["\ud800", "\udfff", "\udce9", "\ud83d", "\ude00"]), st.text(max_size=6)),
        min_size=1,
        max_size=12,
    ),
    st.one_of(st.none(), st.sampled_from(["عنوان \udce9", "title"])),
)
def test_any_lone_surrogates_write_as_utf8_and_restore_exactly(pieces: list[str], title: str | None) -> None:
    text = SEED_LINE + "".join(pieces)
    a = khabar.refine(text, title=title, stages=(), meta={"author": "x\udce9"})
    line = a.to_json()
    line.encode("utf-8")
    back = Article.from_json(line)
    assert khabar.restore(back) == text
    assert khabar.restore_title(back) == title
    assert not any(0xD800 <= ord(c) <= 0xDFFF for p in back.paragraphs for c in p)


def test_fields_kept_as_given_hold_a_lone_surrogate_as_its_escape() -> None:
    a = khabar.refine(SEED_LINE, id="id-\ud800", url="http://x/\udce9", source="s", stages=())
    assert (a.id, a.url) == ("id-\\ud800", "http://x/\\udce9")
    a.to_json().encode("utf-8")


def test_jsonl_writer_escapes_what_utf8_cannot_hold(tmp_path: Path) -> None:
    # an Article built by hand, not by refine, may still hold one: the line is valid UTF-8 JSON that
    # Python reads back to the same string
    bad = Article(id="a", paragraphs=["x"], url="u\ud800")
    w = JsonlWriter(tmp_path / "o.jsonl")
    w.write(bad)
    w.write(Article(id="b", paragraphs=["y"]))
    w.close()
    data = (tmp_path / "o.jsonl").read_bytes()
    lines = data.decode("utf-8").splitlines()
    assert [Article.from_json(x) for x in lines] == [bad, Article(id="b", paragraphs=["y"])]


def test_parquet_writer_keeps_the_rest_of_a_batch_when_one_record_cannot_be_stored(tmp_path: Path) -> None:
    # before: to_arrow of the whole batch raised and every pending record was lost
    good = [Article(id=str(i), paragraphs=[f"p{i}"]) for i in range(5)]
    bad = Article(id="bad", paragraphs=["x"], url="u\ud800")
    rejected: list[tuple[str, str]] = []
    w = ParquetWriter(tmp_path / "o.parquet", on_reject=lambda a, why: rejected.append((a.id, why)))
    for a in [*good[:2], bad, *good[2:]]:
        w.write(a)
    w.close()
    assert list(from_arrow(pq.read_table(tmp_path / "o.parquet"))) == good
    assert [r[0] for r in rejected] == ["bad"] and "cannot be written to Parquet" in rejected[0][1]
    assert not (tmp_path / "o.parquet.partial").exists()


def test_error_writer_writes_undecodable_names_and_raw_text(tmp_path: Path) -> None:
    w = ErrorWriter(tmp_path / "e.jsonl")
    w.write("dir/\udce9.txt", 3, "empty text", "raw \ud800 text")
    w.close()
    (line,) = (tmp_path / "e.jsonl").read_bytes().decode("utf-8").splitlines()
    assert json.loads(line) == {
        "file": "dir/\\xe9.txt",
        "record": 3,
        "reason": "empty text",
        "raw": "raw \ud800 text",
    }


def test_error_writer_without_a_path_only_counts(tmp_path: Path) -> None:
    w = ErrorWriter(None)
    w.write("f", 1, "bad")
    w.close()
    assert w.count == 1


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("o.jsonl", "jsonl"),
        ("o.JSONL.gz", "jsonl"),
        ("o.ndjson.zst", "jsonl"),
        ("o.json", "jsonl"),
        ("o.parquet", "parquet"),
        ("-", "jsonl"),
        ("/dev/null", "jsonl"),
    ],
)
def test_output_format_by_extension(name: str, fmt: str) -> None:
    assert output_format(name) == fmt


@pytest.mark.parametrize("name", ["o.txt", "o.csv", "o", "o.gz", "o.jsonl.zip"])
def test_unknown_output_extension_is_refused_before_writing(tmp_path: Path, name: str) -> None:
    # before: anything not .parquet was silently written as JSON Lines
    with pytest.raises(OutputError, match="unknown output extension"):
        open_writer(tmp_path / name)
    assert list(tmp_path.iterdir()) == []
    assert output_format(tmp_path / name, "parquet") == "parquet"  # an explicit format overrides


def test_refine_many_keeps_extra_dict_keys_in_meta() -> None:
    # before: TypeError: refine() got an unexpected keyword argument 'author'
    items = [
        {"text": SEED_LINE, "author": "واس", "views": 3, "tags": ["a"], "empty": None},
        {"content": SEED_LINE, "id": "x", "meta": {"author": "given"}, "author": "extra"},
    ]
    a, b = khabar.refine_many(items, stages=())
    assert a.meta == {"author": "واس", "views": "3", "tags": '["a"]'}
    assert (b.id, b.meta) == ("x", {"author": "given"})  # an explicit meta wins over an extra key
