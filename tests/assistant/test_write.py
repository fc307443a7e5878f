"""The extractive writer apart from the shipped documents: hand-made passages, a hand-set model.

The model here weighs only sentence similarity (weight 10, bias -5: probability 0.5 at
similarity 0.5), so each expectation below can be worked out from the numbers in the passages.
"""

from assistant.answerability import FEATURES, AnswerabilityModel, features, focus_terms, term_present
from assistant.query import Query
from assistant.types import Chunk, DocumentMeta, Passage
from assistant.write import Evidence, ExtractiveWriter

SIMILARITY_ONLY = AnswerabilityModel(
    FEATURES, tuple(10.0 if f == "similarity" else 0.0 for f in FEATURES), -5.0, answer_threshold=0.5
)
DOORS = {"Riverside Council": "the Riverside Children's Hub", "Hillford Council": "the Hillford Front Door"}


def passage(authority: str, sentences: tuple[str, ...], similarities: tuple[float, ...], heading: str = "") -> Passage:
    meta = DocumentMeta(authority.lower().replace(" ", "-"), authority, "Procedures", "procedure", "2024-04-01", "x.txt")
    chunk = Chunk(
        f"{meta.doc_id}:{sentences[0][:10]}", meta.doc_id, " ".join(sentences), (heading,) if heading else (),
        0, 10, None, meta, sentences,
    )
    return Passage(chunk, 1.0, dense_similarity=max(similarities), sentence_similarity=similarities,
                   sentence_overlap=tuple(0.5 for _ in sentences))


def query(text: str, intent: str = "general", authorities: tuple[str, ...] = ()) -> Query:
    return Query(text, text, (), authorities, authorities, intent,
                 term_weights=(("strategy", 3.0), ("discussion", 2.0), ("child", 0.2)))


def test_refuses_below_the_operating_point_and_names_every_front_door():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    weak = [passage("Riverside Council", ("Staff should read the policy.",), (0.40,))]
    answer = writer.write(query("who pays for school uniforms?"), weak)
    assert answer.abstained and not answer.citations and not answer.parts
    assert "Riverside Children's Hub" in answer.refusal and "Hillford Front Door" in answer.refusal
    named = writer.write(query("who pays in Riverside?", authorities=("Riverside Council",)), weak)
    assert "Riverside Children's Hub" in named.refusal and "Hillford" not in named.refusal


def test_timescale_lead_line_cites_its_sentence_and_names_the_source_once():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    passages = [
        passage(
            "Riverside Council",
            ("A strategy discussion must be held within 2 working days of the referral.", "Notes are kept."),
            (0.80, 0.30),
            heading="4.2 Strategy discussions",
        )
    ]
    answer = writer.write(query("how soon is a strategy discussion held?", "timescale"), passages)
    part = answer.parts[0]
    assert part.lead == "Within 2 working days of the referral" and part.lead_n == 1
    assert part.source == "Riverside, procedure 2024"
    assert answer.text.count("Riverside") == 1  # named once, in short
    assert answer.citations[0].used_sentences[0].startswith("A strategy discussion must")
    assert "Notes are kept." not in answer.text  # 0.30 is not close enough to the best to be quoted


def test_two_councils_are_never_blended_and_differing_timescales_are_flagged():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    passages = [
        passage("Riverside Council", ("A strategy discussion is held within 2 working days.",), (0.80,)),
        passage("Hillford Council", ("A strategy discussion is held within 3 working days.",), (0.78,)),
    ]
    answer = writer.write(query("how soon is a strategy discussion held?", "timescale"), passages)
    assert [p.authority for p in answer.parts] == ["Riverside Council", "Hillford Council"]
    assert {c.authority for c in answer.citations if c.n in answer.parts[0].citation_numbers} == {"Riverside Council"}
    assert {c.authority for c in answer.citations if c.n in answer.parts[1].citation_numbers} == {"Hillford Council"}
    assert answer.conflicts and "2 working days [1]" in answer.conflicts[0] and "3 working days [2]" in answer.conflicts[0]


def test_a_council_that_only_mentions_the_topic_is_not_shown():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    passages = [
        passage("Riverside Council", ("A strategy discussion is held within 2 working days.",), (0.90,)),
        # above the operating point, but its sentence scores far below Riverside's best
        passage("Hillford Council", ("Training covers strategy.",), (0.52,)),
    ]
    answer = writer.write(query("how soon is a strategy discussion held?", "timescale"), passages)
    assert answer.authorities == ["Riverside Council"]


def test_elsewhere_says_the_named_council_does_not_cover_it_and_labels_the_other():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    passages = [passage("Hillford Council", ("A strategy discussion is held within 3 working days.",), (0.80,))]
    asked = query("how soon in Riverside?", "timescale", authorities=("Riverside Council",))
    answer = writer.elsewhere(asked, passages, ("Riverside Council",))
    assert answer is not None and answer.abstained and answer.not_covered == ("Riverside Council",)
    assert answer.text.startswith("Riverside's documents in this library do not say.")
    assert answer.authorities == ["Hillford Council"]
    assert writer.elsewhere(asked, [passage("Hillford Council", ("Unrelated.",), (0.1,))], ("Riverside Council",)) is None


def test_focus_terms_are_the_rarest_known_and_match_inside_compounds():
    q = query("strategy discussion for a child")
    assert focus_terms(q) == ["strategy", "discussion"]
    assert term_present("phone", {"telephone", "call"}) and not term_present("pho", {"telephone"})
    evidence = Evidence("Hold a strategy meeting.", ("Strategy discussions",), 0.6, 0.5, 0.7)
    values = dict(zip(FEATURES, features(q, evidence), strict=True))
    assert values["focus"] == 1.0  # "strategy" in the sentence, "discussion" in the heading ("discussions")
    assert values["similarity"] == 0.6 and values["unknown_terms"] == 0.0
