"""Both output forms load in the ecosystem's tools (Hugging Face ``datasets``, pandas) with the same,
stable types whichever optional parts a record has, and round-trip exactly."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from khabar.api import read_articles
from khabar.cli import main
from khabar.record import ARROW_SCHEMA, JSON_ARROW_SCHEMA, from_arrow
from tests.conftest import SEED_PATH

datasets = pytest.importorskip("datasets", reason="pip install 'khabar[test]' for the datasets loader test")
pd = pytest.importorskip("pandas", reason="pip install 'khabar[test]' for the pandas loader test")

FAST = ["--no-entities", "--no-dates", "--no-numbers", "--no-quotes"]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The seed (dateline, edits, entities …) and short articles that lack most optional parts."""
    d = tmp_path_factory.mktemp("formats")
    src = d / "more.jsonl"
    src.write_text(
        '{"id": "bare", "text": "نص قصير جدا"}\n'
        '{"id": "dated", "text": "قال الوزير اليوم إن 80 مليون ريال خصصت", "published": "2025-06-16T10:30:00+03:00",'
        ' "author": "الرياض - واس", "title": "خبر"}\n',
        encoding="utf-8",
    )
    jsonl, parquet = d / "out.jsonl", d / "out.parquet"
    for out in (jsonl, parquet):
        assert main(["process", str(src), str(SEED_PATH), "-o", str(out), "-q"]) == 0
    return jsonl, parquet


def _load(kind: str, path: Path, **kw: object):  # type: ignore[no-untyped-def]
    return datasets.load_dataset(kind, data_files=str(path), split="train", **kw)


def test_parquet_loads_in_datasets_with_the_schema_types(outputs: tuple[Path, Path]) -> None:
    # before: "map<string, string> has no datasets dtype" for meta
    ds = _load("parquet", outputs[1])
    assert ds.features == datasets.Features.from_arrow_schema(ARROW_SCHEMA)
    assert ds.features["meta"] == datasets.List(
        {"key": datasets.Value("string"), "value": datasets.Value("string")}
    )
    assert ds.features["published"] == datasets.Value("timestamp[us]")
    assert ds.features["stats"]["before"]["lines"] == datasets.Value("int64")
    bare, dated, seed = ds
    assert bare["dateline"] is None and bare["published"] is None and bare["entities"] == []
    assert (
        dated["published"] == datetime(2025, 6, 16, 7, 30)
        and dated["published_text"] == "2025-06-16T10:30:00+03:00"
    )
    assert {m["key"]: m["value"] for m in dated["meta"]}["author"] == "الرياض - واس"
    assert seed["dateline"]["place_en"] == "Astana" and seed["stats"]["after"]["paragraphs"] == 11


def test_jsonl_loads_in_datasets_with_stable_types(outputs: tuple[Path, Path]) -> None:
    jsonl = outputs[0]
    inferred = _load("json", jsonl)
    # every nested key is written (null when absent), so the structs are the schema's whichever record
    # comes first; meta is a list of key/value pairs, not an object whose keys vary by input
    schema = datasets.Features.from_arrow_schema(JSON_ARROW_SCHEMA)
    assert list(inferred.features["dateline"]) == list(schema["dateline"])
    assert inferred.features["edits"] == schema["edits"]
    assert inferred.features["stats"] == schema["stats"]
    assert inferred.features["meta"] == datasets.List(
        {"key": datasets.Value("string"), "value": datasets.Value("string")}
    )
    # with the schema given, no column's type depends on the data (one that is null in every record of
    # a file would otherwise be inferred as type null)
    typed = _load("json", jsonl, features=datasets.Features.from_arrow_schema(JSON_ARROW_SCHEMA))
    assert typed.features["duplicate"]["similarity"] == datasets.Value("float64")
    rows = typed.to_list()
    assert [r["id"] for r in rows] == ["bare", "dated", rows[2]["id"]]
    written = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    # pyarrow's JSON reader reads an ISO 8601 string as a timestamp (in UTC): the same instant
    assert [r.pop("published") for r in rows] == [None, "2025-06-16 07:30:00", None]
    assert [r.pop("published") for r in written] == [None, "2025-06-16T10:30:00+03:00", None]
    assert written == rows


def test_both_forms_load_in_pandas(outputs: tuple[Path, Path]) -> None:
    jsonl, parquet = outputs
    # dtype=False: pandas would otherwise read the schema version "1.1" as the number 1.1
    from_json = pd.read_json(jsonl, lines=True, dtype=False)
    from_parquet = pd.read_parquet(parquet)
    assert list(from_json["id"]) == list(from_parquet["id"]) == ["bare", "dated", from_json["id"][2]]
    assert str(from_parquet["published"].dtype) == "datetime64[us]"
    assert from_parquet["published"][1] == pd.Timestamp("2025-06-16 07:30:00")
    assert list(from_json["published"])[1] == "2025-06-16T10:30:00+03:00"
    assert from_json["stats"][2]["before"]["lines"] == 21


def test_jsonl_and_parquet_hold_the_same_records(outputs: tuple[Path, Path]) -> None:
    jsonl, parquet = outputs
    from_jsonl = list(read_articles(str(jsonl)))
    assert list(read_articles(str(parquet))) == from_jsonl
    assert pq.read_schema(parquet).equals(ARROW_SCHEMA, check_metadata=False)
    assert [a.to_json() for a in from_arrow(pq.read_table(parquet))] == jsonl.read_text(
        encoding="utf-8"
    ).splitlines()


def test_schema_1_0_records_still_read(outputs: tuple[Path, Path]) -> None:
    # meta as an object and float counts, as khabar wrote them before
    d = json.loads(outputs[0].read_text(encoding="utf-8").splitlines()[0])
    d["schema"], d["meta"] = "1.0", {m["key"]: m["value"] for m in d["meta"]}
    d["stats"]["before"]["lines"] = 1.0
    from khabar.record import Article

    a = Article.from_dict(d)
    assert a.meta["origin"].endswith("more.jsonl:1") and a.stats["before"]["lines"] == 1
