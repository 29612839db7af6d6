"""NER: the committed model, the CAMeL split, the scorer, a tiny training run and the CLI hooks."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from khabar.enrich.ner import NerModel
from khabar.enrich.ner.cli import add_ner_parsers, cmd_ner, cmd_train_ner
from khabar.enrich.ner.corpus import anercorp_path, load_anercorp_split, normalise_aqmar_tag
from khabar.enrich.ner.evaluate import evaluate, spans
from khabar.enrich.ner.features import Lexicon, sentence_features, split_clitics
from khabar.enrich.ner.model import default_model_dir
from khabar.enrich.ner.train import train
from tests.conftest import shared_dir

SEED = "وصل الرئيس الصيني شي جينبينغ إلى كازاخستان اليوم لحضور القمة الثانية بين الصين وآسيا الوسطى"


def test_committed_model_tags_the_seed_sentence() -> None:
    tokens = SEED.split()
    tags = NerModel.load().tag(tokens)
    got = dict(zip(tokens, tags, strict=True))
    assert len(tags) == len(tokens)
    assert got["كازاخستان"] == "B-LOC"
    assert got["الصين"] == "B-LOC"
    assert got["وصل"] == got["إلى"] == got["اليوم"] == "O"
    # The current model also gets "شي جينبينغ" (PERS) and "وآسيا الوسطى" (LOC) right; not asserted, as those
    # are the less robust calls across retrainings.


def test_only_trained_artifacts_are_shipped() -> None:
    # no copy of shared data (ANERGazet): gazetteer marks come from khabar's own place/agency tables
    assert sorted(p.name for p in default_model_dir().iterdir() if not p.name.startswith(".")) == [
        "clusters.tsv.gz",
        "ner.crfsuite",
    ]


def test_gazetteer_marks_from_khabar_tables() -> None:
    lex = Lexicon({})
    tokens = ["زار", "مكة", "المكرمة", "والرياض", "وقالت", "رويترز"]
    feats = sentence_features(tokens, lex)
    assert "gz=B-PL-city" in feats[1] and "gz=I-PL-city" in feats[2]
    assert "gz=B-PL-capital" in feats[3]  # proclitic و stripped
    assert "gz=B-AG" in feats[5] and "-1:gz=B-AG" not in feats[5]
    assert "1:gz=B-PL-city" in feats[0] and "-2:BOUND" in feats[0]


def test_numpy_tagger_equals_crfsuite(seed_text: str) -> None:
    # the shipped tagger sums the weights itself; crfsuite's own tagger on the full attribute strings
    # must give the same tags, sentence by sentence and in one batch
    import pycrfsuite

    from khabar.text.tokens import tokenize

    model = NerModel.load()
    crfsuite = pycrfsuite.Tagger()
    crfsuite.open(str(model.folder / "ner.crfsuite"))
    lex = Lexicon(model.lexicon.clusters)
    sentences = [[t.text for t in tokenize(line)] for line in seed_text.splitlines() if line.strip()]
    sentences += [
        ["قال", "المتحدث", "باسم", "وزارة", "الخارجية", "الأمريكية", "في", "واشنطن", "أمس"],
        ["زار", "مكة", "المكرمة", "والرياض", "وقالت", "رويترز"],
        ["في"],
    ]
    batch = model.tag_sentences(sentences)
    for tokens, tags in zip(sentences, batch, strict=True):
        assert crfsuite.tag(sentence_features(tokens, lex)) == tags == model.tag(tokens)
    assert sum(t != "O" for tags in batch for t in tags) > 30  # the seed has entities to find


def test_word_table_starts_over_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    import khabar.enrich.ner.model as model_module

    sentences = [SEED.split(), ["قال", "المتحدث", "باسم", "وزارة", "الخارجية", "الأمريكية", "في", "واشنطن"]]
    expected = NerModel.load().tag_sentences(sentences)
    small = NerModel(NerModel.load().folder)
    monkeypatch.setattr(model_module, "CACHE_SIZE", 12)
    # the second call meets known and new words and overflows the table: it starts over, known words too
    assert small.tag_sentences([sentences[1]]) == [expected[1]]
    assert small.tag_sentences(sentences) == expected
    assert small.tag_sentences(sentences[::-1]) == expected[::-1]


def test_load_is_cached_and_empty_input() -> None:
    assert NerModel.load() is NerModel.load()
    assert NerModel.load().tag([]) == []
    assert NerModel.load().tag_sentences([["في"], []]) == [["O"], []]


def test_camel_split_sizes() -> None:
    path = anercorp_path(shared_dir())
    if not path.exists():
        pytest.skip(f"ANERcorp not found at {path} (set KHABAR_SHARED to the shared/ folder)")
    train_s, test_s = load_anercorp_split(shared_dir())
    n_train, n_test = sum(map(len, train_s)), sum(map(len, test_s))
    # the README's rebuilt counts (official: 125,102 / 25,008)
    assert (n_train, n_test) == (125_061, 25_033)
    assert all("\u200f" not in tok for s in test_s for tok, _ in s)


def test_committed_model_still_scores_on_the_test_split() -> None:
    # the features read khabar's place and agency tables at tagging time: a table change the model was not
    # retrained for shows up here (70.3 when trained; 69.8 after an earlier, unretrained table change)
    path = anercorp_path(shared_dir())
    if not path.exists():
        pytest.skip(f"ANERcorp not found at {path} (set KHABAR_SHARED to the shared/ folder)")
    _, test_s = load_anercorp_split(shared_dir())
    pred = NerModel.load().tag_sentences([[w for w, _ in s] for s in test_s])
    micro = evaluate([[g for _, g in s] for s in test_s], pred)["micro"]
    assert micro.f1 >= 0.700, f"NER micro-F1 {micro.f1:.3f}: retrain with `khabar train-ner`"


def test_spans_conlleval_semantics() -> None:
    assert spans(["B-PERS", "I-PERS", "O", "B-LOC"]) == [(0, 2, "PERS"), (3, 4, "LOC")]
    # a stray I- starts an entity; a type change inside I- splits it
    assert spans(["O", "I-ORG", "I-ORG", "I-LOC"]) == [(1, 3, "ORG"), (3, 4, "LOC")]
    assert spans(["B-LOC", "B-LOC"]) == [(0, 1, "LOC"), (1, 2, "LOC")]


def test_evaluate_exact_span_and_type() -> None:
    gold = [["B-PERS", "I-PERS", "O", "B-LOC", "O", "B-ORG", "I-ORG"]]
    pred = [["B-PERS", "O", "O", "B-LOC", "O", "B-LOC", "I-LOC"]]
    s = evaluate(gold, pred)
    assert (s["PERS"].tp, s["PERS"].n_pred, s["PERS"].n_gold) == (0, 1, 1)  # span too short
    assert (s["LOC"].tp, s["LOC"].n_pred, s["LOC"].n_gold) == (1, 2, 1)
    assert (s["ORG"].tp, s["ORG"].n_gold) == (0, 1)
    assert (s["micro"].tp, s["micro"].n_pred, s["micro"].n_gold) == (1, 3, 3)
    assert s["micro"].precision == pytest.approx(1 / 3) and s["micro"].f1 == pytest.approx(1 / 3)
    assert evaluate([["O"]], [["O"]])["micro"].f1 == 0.0
    with pytest.raises(ValueError):
        evaluate([["O", "O"]], [["O"]])


def test_aqmar_tags_and_clitics() -> None:
    assert normalise_aqmar_tag("I--ORG") == "I-ORG"
    assert normalise_aqmar_tag("B-MISS1") == "B-MISC"
    assert normalise_aqmar_tag("B-PER") == "B-PERS"
    assert normalise_aqmar_tag("B-ENGLISH") == "O"
    assert split_clitics("والصين") == ("وال", "صين", "")
    assert (
        split_clitics("بغداد")[1] == "غداد"
    )  # stripped form is only a fallback feature; "بغداد" is kept too


TINY = [
    [("زار", "O"), ("محمد", "B-PERS"), ("علي", "I-PERS"), ("القاهرة", "B-LOC"), (".", "O")],
    [("وصل", "O"), ("أحمد", "B-PERS"), ("إلى", "O"), ("دمشق", "B-LOC"), (".", "O")],
    [("قالت", "O"), ("وزارة", "B-ORG"), ("الخارجية", "I-ORG"), ("في", "O"), ("بيروت", "B-LOC"), (".", "O")],
] * 3


def _tiny_model(folder: Path) -> Path:
    lex = Lexicon({"دمشق": (1, 2), "بيروت": (1, 2)})
    train(folder, sentences=TINY, lexicon=lex, params={"max_iterations": 30})
    return folder


def test_tiny_training_run(tmp_path: Path) -> None:
    folder = _tiny_model(tmp_path / "m")
    assert (folder / "ner.crfsuite").exists() and (folder / "clusters.tsv.gz").exists()
    model = NerModel.load(folder)
    assert model.lexicon.clusters["دمشق"] == (1, 2)
    tags = model.tag(["زار", "محمد", "علي", "القاهرة", "."])
    assert tags == ["O", "B-PERS", "I-PERS", "B-LOC", "O"]


def test_cli_hooks(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser(prog="khabar")
    add_ner_parsers(parser.add_subparsers(dest="command"))
    folder = _tiny_model(tmp_path / "m")
    conll = tmp_path / "in.conll"
    conll.write_text("زار\tO\nمحمد\nعلي\n\n\nوصل x\nأحمد\n", encoding="utf-8")
    out = tmp_path / "out.tsv"
    args = parser.parse_args(["ner", "--conll", str(conll), "-o", str(out), "--model", str(folder)])
    assert args.func is cmd_ner and cmd_ner(args) == 0
    blocks = out.read_text(encoding="utf-8").split("\n\n")
    assert len(blocks) == 2
    assert [line.split("\t")[0] for line in blocks[0].splitlines()] == ["زار", "محمد", "علي"]
    assert all(len(line.split("\t")) == 2 for b in blocks for line in b.splitlines())
    args = parser.parse_args(["train-ner", "--shared", str(tmp_path), "-o", str(tmp_path / "t")])
    assert args.func is cmd_train_ner and args.output == str(tmp_path / "t") and not args.aqmar
