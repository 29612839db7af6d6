"""``khabar restore`` on damaged records: each one reported with its file and line, the run goes on,
and a record whose edit log does not verify is an error, never silently wrong text."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import khabar
from khabar.cli import main
from khabar.record import Article
from khabar.restore import RestoreError, restore
from khabar.text.keys import match_key

# Every kind of edit the repair makes: a dateline, invisible characters, a Persian letter, doubled and
# trailing whitespace, presentation forms, a lone surrogate, an empty line, a repeated paragraph, the
# title repeated as the first paragraph, and a body pasted twice inside one line.
REPEATED = (
    "کان الاجتماع طويلا \ud800 وانتهى في المساء بعد نقاش مطول حول التعاون الاقتصادي بين البلدين الجارين في "
    "مجالات الطاقة والنقل والتجارة والاستثمار والتعليم والصحة"
)
BODY = (
    'الرياض "واس": لقاء اليوم\n'
    "قال الوزير\u200f إن الاجتماع ناجح  جدا \n"
    "ﻣﺮﺣﺒﺎ بكم في المؤتمر الذي يعقد كل عام\n"
    "\n"
    f"{REPEATED}\n"
    "وقالت الوزارة في بيان إن الطرفين اتفقا على خطة جديدة للتعاون. "
    "وقالت الوزارة في بيان إن الطرفين اتفقا على خطة جديدة للتعاون.\n"
    f"{REPEATED}"
)
TITLE = "لقاء اليوم"
# reasons whose removed text is checked against the kept copy by matching key, not character by character
KEY_COMPARED = ("repeated-paragraph", "repeats-title", "repeated-body")


@pytest.fixture(scope="module")
def article() -> Article:
    a = khabar.refine(BODY, title=TITLE, stages=())
    assert {e.reason for e in a.edits} >= {
        "dateline",
        "invisible-char",
        "persian-letter",
        "whitespace",
        "presentation-form",
        "lone-surrogate",
        "empty-line",
        "repeated-paragraph",
        "repeats-title",
        "repeated-body",
    }
    assert restore(a) == BODY
    return a


def _mutate_old(e, rnd: st.DataObject):  # type: ignore[no-untyped-def]
    old = e.old
    if old:
        i = rnd.draw(st.integers(0, len(old) - 1))
        c = rnd.draw(st.sampled_from(["x", " ", "ب", "\u200b", "ک", ""]).filter(lambda c: c != old[i]))
        return replace(e, old=old[:i] + c + old[i + 1 :])
    return replace(e, old="x")


@settings(max_examples=200)
@given(st.data())
def test_a_changed_old_text_is_an_error_never_wrong_text(article: Article, data: st.DataObject) -> None:
    # before: restore applied any old text blindly (it checked only new), so it returned wrong text
    k = data.draw(st.sampled_from(range(len(article.edits))))
    edits = list(article.edits)
    edits[k] = _mutate_old(edits[k], data)
    damaged = replace(article, edits=edits)
    try:
        text = restore(damaged)
    except RestoreError:
        return
    assert text == BODY  # a change that restore cannot see must not change the text


@settings(max_examples=200)
@given(st.data())
def test_without_input_hash_checked_reasons_still_catch_a_changed_old(
    article: Article, data: st.DataObject
) -> None:
    # records of schema 1.0 carry no input_hash: each reason's old text is still checked
    checked = ("persian-letter", "whitespace", "presentation-form", "lone-surrogate", "empty-line",
               "repeated-paragraph", "repeats-title", "repeated-body")  # fmt: skip
    k = data.draw(st.sampled_from([i for i, e in enumerate(article.edits) if e.reason in checked]))
    edits = list(article.edits)
    edits[k] = _mutate_old(edits[k], data)
    if edits[k].reason in KEY_COMPARED:
        # repeats are found by matching key, so without input_hash a change the key ignores (an invisible
        # character for a space, say) is not visible to the check: only key changes must be caught
        assume(match_key(edits[k].old) != match_key(article.edits[k].old))
    with pytest.raises(RestoreError):
        restore(replace(article, edits=edits, input_hash=None))


def test_a_schema_1_0_record_without_input_hash_restores(article: Article) -> None:
    d = json.loads(article.to_json())
    del d["input_hash"]
    d["schema"] = "1.0"
    d["meta"] = {}
    assert restore(Article.from_dict(d)) == BODY


@settings(max_examples=200)
@given(st.data())
def test_moved_offsets_are_an_error_never_wrong_text(article: Article, data: st.DataObject) -> None:
    # before: a deletion (new == "") moved to another offset still "matched" and restored wrong text
    k = data.draw(st.sampled_from([i for i, e in enumerate(article.edits) if e.op == "edit"]))
    shift = data.draw(st.integers(-5, 5).filter(bool))
    e = article.edits[k]
    edits = list(article.edits)
    edits[k] = replace(e, start=e.start + shift, end=e.end + shift)
    try:
        text = restore(replace(article, edits=edits))
    except RestoreError:
        return
    assert text == BODY


def test_restore_reports_each_damaged_record_and_goes_on(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture
) -> None:
    good = json.loads(article.to_json())
    wrong_old = json.loads(article.to_json())
    ws = next(i for i, e in enumerate(wrong_old["edits"]) if e["reason"] == "whitespace")
    wrong_old["edits"][ws]["old"] = "xx"  # same length as the doubled space it replaces
    missing = dict(good)
    del missing["paragraphs"]
    no_old = json.loads(article.to_json())
    del no_old["edits"][0]["old"]
    bad_line = no_line = json.loads(article.to_json())
    bad_line = {**no_line, "edits": [{**no_line["edits"][0], "line": 99}]}
    lines = [
        json.dumps(good, ensure_ascii=False),  # 1
        '{"id": "cut", "paragraphs": ["a"',  # 2: a line cut short
        json.dumps(wrong_old, ensure_ascii=False),  # 3
        json.dumps(missing, ensure_ascii=False),  # 4
        json.dumps(no_old, ensure_ascii=False),  # 5
        "",  # blank lines are skipped
        json.dumps(bad_line, ensure_ascii=False),  # 7
        json.dumps(good, ensure_ascii=False),  # 8
    ]
    src = tmp_path / "damaged.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, errors = tmp_path / "restored.jsonl", tmp_path / "bad.jsonl"
    assert main(["restore", str(src), "-o", str(out), "--errors", str(errors)]) == 1
    restored = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert restored == [{"id": article.id, "text": BODY}] * 2
    err = capsys.readouterr().err
    bad = [json.loads(x) for x in errors.read_text(encoding="utf-8").splitlines()]
    assert [b["record"] for b in bad] == [2, 3, 4, 5, 7]
    assert all(b["file"] == str(src) and f"{src}:{b['record']}: {b['reason']}" in err for b in bad)
    assert "is not what a whitespace edit removes" in bad[1]["reason"]
    assert "needs id and paragraphs" in bad[2]["reason"]
    assert "no such line" in bad[4]["reason"]
    assert bad[0]["raw"] == lines[1] + "\n" and "Traceback" not in err


def test_restore_of_an_undecodable_line_goes_on(tmp_path: Path, article: Article) -> None:
    src = tmp_path / "r.jsonl"
    src.write_bytes(b'{"id": "\xff"}\n' + article.to_json().encode("utf-8") + b"\n")
    out = tmp_path / "o.jsonl"
    assert main(["restore", str(src), "-o", str(out)]) == 1
    assert [json.loads(x)["text"] for x in out.read_text(encoding="utf-8").splitlines()] == [BODY]
