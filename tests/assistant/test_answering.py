"""The answer path's guarantees for a partner (plumbing: a fake index, the real writer and rules)."""

from dataclasses import dataclass, field
from types import SimpleNamespace

from assistant.answerability import FEATURES, AnswerabilityModel
from assistant.answering import Request, answer, merge_searches, with_routing
from assistant.query import Glossary, detect_intent
from assistant.types import Chunk, DocumentMeta, Passage
from assistant.write import ExtractiveWriter

DIMENSIONS = 384  # the danger model reads a MiniLM-sized vector
# Answers only a sentence very close to the question: every fake passage below is far from it.
STRICT = AnswerabilityModel(FEATURES, tuple(10.0 if f == "similarity" else 0.0 for f in FEATURES), -9.0, 0.5)
RIVERSIDE = "Riverside Council"


def passage(sentence: str, similarity: float, n: int = 1) -> Passage:
    meta = DocumentMeta("riverside-guide", RIVERSIDE, "Guide", "threshold guide", "2024-01-01", "x")
    chunk = Chunk(f"riverside-guide:{n}", meta.doc_id, sentence, ("Referrals",), 0, 1, None, meta, (sentence,))
    return Passage(chunk, 1.0, dense_similarity=similarity, sentence_similarity=(similarity,))


@dataclass
class FakeRetriever:
    found: list[Passage]
    calls: list[tuple[str, ...]] = field(default_factory=list)

    def snapshot(self):  # noqa: ANN201
        return SimpleNamespace(vocabulary=frozenset(), stats=None)

    def retrieve(self, vector, terms, authorities=(), include_superseded=False, mode=None, snap=None):  # noqa: ANN001, ANN201
        self.calls.append(tuple(authorities))
        return list(self.found)


class FakeEmbedder:
    def embed(self, texts):  # noqa: ANN001, ANN201
        return [[0.0] * DIMENSIONS for _ in texts]


def parts(found: list[Passage]) -> SimpleNamespace:
    writer = ExtractiveWriter(STRICT, {RIVERSIDE: "the Riverside Children's Hub"}, 2, {RIVERSIDE: ()})
    authority = SimpleNamespace(name=RIVERSIDE, aliases=("Riverside",))
    return SimpleNamespace(
        retriever=FakeRetriever(found),
        embedder=FakeEmbedder(),
        writer=writer,
        glossary=Glossary({}),
        empty_glossary=Glossary({}),
        manifest=SimpleNamespace(authorities=(authority,)),
        aliases={RIVERSIDE: RIVERSIDE, "Riverside": RIVERSIDE},
    )


def test_a_childs_worry_the_guidance_does_not_answer_gets_the_front_door_not_a_refusal():
    """No 'refer' or 'what do I do' in the words, so not read as a partner's at first: the ordinary
    answer would be a refusal, and a worry about a child is never refused."""
    assistant = parts([passage("Parking at the civic centre is free after 6pm.", 0.1)])
    message = "I often see the 9 year old next door in Riverside with bruises on her arms."
    assert detect_intent(message) != "referral"
    result, prepared = answer(assistant, Request(message))
    assert not result.abstained
    assert prepared.query.intent == "referral"
    assert result.front_doors and "Riverside Children's Hub" in result.front_doors[0]
    assert "Parking" not in result.text
    assert len(assistant.retriever.calls) >= 2  # the routing search ran for the named council


def test_a_topic_question_the_guidance_does_not_answer_is_still_refused():
    assistant = parts([passage("Parking at the civic centre is free after 6pm.", 0.1)])
    result, _ = answer(assistant, Request("What support is there in Riverside for children who go missing?"))
    assert result.abstained and not result.front_doors


def test_a_partners_question_about_a_named_council_searches_its_routing_guidance_too():
    assistant = parts([passage("The Hub gives advice to referrers below the threshold.", 0.3)])
    _, prepared = answer(assistant, Request("Where do I send a referral in Riverside?"))
    assert assistant.retriever.calls == [(RIVERSIDE,), (RIVERSIDE,)]
    assert prepared.routing  # what the routing search found, kept for the writer


def test_the_routing_passages_follow_the_concerns_own_and_none_twice():
    a, b, c = passage("A.", 0.5, 1), passage("B.", 0.4, 2), passage("C.", 0.3, 3)
    assert [p.chunk.text for p in with_routing([a, b], [b, c])] == ["A.", "B.", "C."]


def test_a_chunk_two_of_a_councils_searches_found_keeps_each_sentences_nearer_similarity():
    """The response search found the chunk the routing search had found first: its sentence is
    judged against the search it answers (0.6), not only the routing one (0.3)."""
    routed, timed, other = passage("All referrals get a reply in 24 hours.", 0.3, 1), passage("x", 0.6, 1), passage("C.", 0.2, 3)
    merged = merge_searches([routed], [timed, other])
    assert [p.chunk.chunk_id for p in merged] == ["riverside-guide:1", "riverside-guide:3"]
    assert merged[0].sentence_similarity == (0.6,) and merged[0].dense_similarity == 0.6
    assert merge_searches([timed], [routed])[0].sentence_similarity == (0.6,)


def test_a_childs_worry_answered_only_unsurely_gets_the_front_door_first():
    """The ordinary answer is given but flagged (inside the hedge band): a worried person reading
    'this may not answer your question' needs the front door, so the partner's answer is given."""
    from dataclasses import replace

    assistant = parts([passage("Bruises on a child's arms are recorded by the school nurse.", 0.95)])
    assistant.writer.model = replace(STRICT, hedge_threshold=0.9)  # 0.95 similarity -> probability 0.62
    message = "I often see the 9 year old next door in Riverside with bruises on her arms."
    result, prepared = answer(assistant, Request(message))
    assert prepared.query.intent == "referral" and not result.hedged
    assert result.front_doors and "Riverside Children's Hub" in result.front_doors[0]
    # a practitioner's question answered as unsurely stays the ordinary, flagged answer
    ordinary, prepared = answer(assistant, Request("Who records bruises on a child's arms in Riverside?"))
    assert prepared.query.intent != "referral" and ordinary.hedged and not ordinary.front_doors


def test_a_partners_worry_of_a_known_kind_searches_what_the_council_offers_for_it():
    """The concern as told ("weed", "ketamine") and the routing search (thresholds, referrals) share
    no words with a service the guidance names for the kind of worry: a third search finds it."""
    programme = passage("The Changing Lives programme works with young people on substance misuse.", 0.3, 2)

    class ByTerms(FakeRetriever):
        def retrieve(self, vector, terms, authorities=(), include_superseded=False, mode=None, snap=None):  # noqa: ANN001, ANN201
            self.calls.append(tuple(authorities))
            return [programme] if "misuse" in terms else list(self.found)

    assistant = parts([passage("Parking at the civic centre is free after 6pm.", 0.1)])
    assistant.retriever = ByTerms(assistant.retriever.found)
    message = "youth worker in Riverside. a 15 year old i work with is smoking weed and now ketamine. should i refer?"
    result, prepared = answer(assistant, Request(message))
    assert prepared.query.category_words and "substance misuse" in prepared.query.category_words
    assert len(assistant.retriever.calls) == 3
    assert any(p is programme for p in prepared.routing)
    assert "Changing Lives" in result.text and "Parking" not in result.text
    # a worry of no known kind has no third search
    plain = parts([passage("Parking at the civic centre is free after 6pm.", 0.1)])
    _, prepared = answer(plain, Request("Where do I send a referral in Riverside?"))
    assert not prepared.query.category_text and len(plain.retriever.calls) == 2
