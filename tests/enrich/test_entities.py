"""Article-level entity rules, on explicit spans (independent of the tagger's exact output)."""

from __future__ import annotations

from khabar.enrich.entities import _paragraphs, _propagate_people, _Span


def test_a_name_part_is_its_person_with_one_proclitic_at_most() -> None:
    paragraphs = [
        "قال محمد العبدالله إن الاجتماع انتهى.",
        "وأكد العبدالله ذلك، وقال مصدر مقرب للعبدالله ولمحمد إن وبالعبدالله لا تعني شيئا، وكتب محمدي.",
    ]
    paras, _ = _paragraphs(paragraphs)
    start = paragraphs[0].index("محمد")
    full = _Span("PERS", 0, start, start + len("محمد العبدالله"))
    for i in range(1, 3):  # the tagger's tokens
        paras[0].taken[i] = True
    added = _propagate_people([full], paragraphs, paras)
    assert full.canonical == "محمد العبدالله"
    found = [(paragraphs[s.para][s.start : s.end], s.canonical) for s in added]
    # العبدالله as is; للعبدالله = ل + العبدالله (the span keeps ال); ولمحمد has two letters before the name,
    # وبالعبدالله three, محمدي is another word: none of them is the person
    assert found == [("العبدالله", "محمد العبدالله"), ("لعبدالله", "محمد العبدالله")]
    assert all(paras[1].taken[i] for i, w in enumerate(paras[1].words) if w in ("العبدالله", "للعبدالله"))
