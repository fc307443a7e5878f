"""The extractive writer apart from the shipped documents: hand-made passages, a hand-set model.

The model here weighs only sentence similarity (weight 10, bias -5: probability 0.5 at
similarity 0.5), so each expectation below can be worked out from the numbers in the passages.
"""

import json
from dataclasses import replace

import pytest

from assistant.answerability import FEATURES, AnswerabilityModel, features, focus_terms, term_present
from assistant.query import Query, content_terms
from assistant.quotes import KEEP_ALL, Selection, addition
from assistant.types import Chunk, DocumentMeta, Passage
from assistant.write import COUNTED_FROM_NOTE, HEDGE_NOTE, NO_COUNT_NOTE, NO_DURATION_NOTE, Evidence, ExtractiveWriter

SIMILARITY_ONLY = AnswerabilityModel(
    FEATURES, tuple(10.0 if f == "similarity" else 0.0 for f in FEATURES), -5.0, answer_threshold=0.5
)
DOORS = {"Riverside Council": "the Riverside Children's Hub", "Hillford Council": "the Hillford Front Door"}


def passage(authority: str, sentences: tuple[str, ...], similarities: tuple[float, ...], heading: str = "") -> Passage:
    meta = DocumentMeta(
        authority.lower().replace(" ", "-"), authority, "Procedures", "procedure", "2024-04-01", "x.txt"
    )
    chunk = Chunk(
        f"{meta.doc_id}:{sentences[0][:10]}",
        meta.doc_id,
        " ".join(sentences),
        (heading,) if heading else (),
        0,
        10,
        None,
        meta,
        sentences,
    )
    return Passage(
        chunk,
        1.0,
        dense_similarity=max(similarities),
        sentence_similarity=similarities,
    )


def query(text: str, intent: str = "general", authorities: tuple[str, ...] = ()) -> Query:
    return Query(
        text,
        text,
        (),
        authorities,
        authorities,
        intent,
        term_weights=(("strategy", 3.0), ("discussion", 2.0), ("child", 0.2)),
    )


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
    assert part.lead == "A strategy discussion must be held within 2 working days of the referral" and part.lead_n == 1
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
    assert (
        answer.conflicts and "2 working days [1]" in answer.conflicts[0] and "3 working days [2]" in answer.conflicts[0]
    )


def test_a_timescale_conflict_says_what_each_councils_figure_applies_to():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    passages = [
        passage("Riverside Council", ("The child will be seen within 5 working days of the referral.",), (0.80,)),
        passage(
            "Hillford Council", ("A child referred by a hospital will be seen by the home council within 24 hours.",), (0.78,)
        ),
    ]
    # Both sentences time the child being seen, so they differ in similarity only.
    asked = replace(query("how soon is a child seen after a referral?", "timescale"), term_weights=(("seen", 1.0),))
    answer = writer.write(asked, passages)
    assert answer.conflicts
    assert "The child will be seen within 5 working days of the referral [1]" in answer.conflicts[0]
    assert "A child referred by a hospital will be seen by the home council within 24 hours [2]" in answer.conflicts[0]


def test_a_council_that_only_mentions_the_topic_is_not_shown():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    passages = [
        passage("Riverside Council", ("A strategy discussion is held within 2 working days.",), (0.90,)),
        # below the operating point, and no duration in its sentence: it only mentions the topic
        passage("Hillford Council", ("Training covers strategy.",), (0.45,)),
    ]
    answer = writer.write(query("how soon is a strategy discussion held?", "timescale"), passages)
    assert answer.authorities == ["Riverside Council"]
    # With a duration of its own it is shown, however far below it ranks (a rule that differs)
    passages[1] = passage("Hillford Council", ("A strategy meeting is held within 6 months.",), (0.45,))
    answer = writer.write(query("how soon is a strategy discussion held?", "timescale"), passages)
    assert answer.authorities == ["Riverside Council", "Hillford Council"]
    # ... but not a duration of something else: its clause shares no word of the question (other
    # than those durations are told in), so it is not a rule that differs
    passages[1] = passage("Hillford Council", ("Audits of case files are done within 6 months.",), (0.45,))
    answer = writer.write(query("how soon is a strategy discussion held?", "timescale"), passages)
    assert answer.authorities == ["Riverside Council"]


def test_elsewhere_says_the_named_council_does_not_cover_it_and_labels_the_other():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    passages = [passage("Hillford Council", ("A strategy discussion is held within 3 working days.",), (0.80,))]
    asked = query("how soon is a strategy discussion held in Riverside?", "timescale", authorities=("Riverside Council",))
    answer = writer.elsewhere(asked, passages, ("Riverside Council",))
    assert answer is not None and answer.abstained and answer.not_covered == ("Riverside Council",)
    assert answer.text.startswith("Riverside's documents in this library do not say.")
    assert answer.authorities == ["Hillford Council"]
    assert (
        writer.elsewhere(asked, [passage("Hillford Council", ("Unrelated.",), (0.1,))], ("Riverside Council",)) is None
    )
    # A council the library holds nothing from (withdrawn, or never added) is not said to be silent.
    unheld = writer.elsewhere(asked, passages, ("Riverside Council",), unheld=True)
    assert unheld.text.startswith("This library holds no current guidance from Riverside.")
    assert unheld.notes == (
        "This library holds no current guidance from Riverside. For Riverside, ask the Riverside Children's Hub. "
        "Another council's guidance does, for its own area:",
    )
    # The note names the asked council's front door, from the manifest, before the other's rule;
    # a council the manifest records no front door for gets none invented.
    assert "For Riverside, ask the Riverside Children's Hub." in answer.notes[0]
    doorless = ExtractiveWriter(SIMILARITY_ONLY, {"Hillford Council": "the Hillford Front Door"})
    note = doorless.elsewhere(asked, passages, ("Riverside Council",)).notes[0]
    assert (
        note == "Riverside's documents in this library do not say. Another council's guidance does, for its own area:"
    )


def test_elsewhere_below_the_hedge_point_says_the_other_council_may_not_answer_it():
    # 0.80 similarity -> probability 0.95 with SIMILARITY_ONLY; a hedge point above it makes it unsure
    passages = [passage("Hillford Council", ("A strategy discussion is held within 3 working days.",), (0.80,))]
    asked = query("how soon is a strategy discussion held in Riverside?", "timescale", authorities=("Riverside Council",))
    unsure = ExtractiveWriter(replace(SIMILARITY_ONLY, hedge_threshold=0.99), DOORS).elsewhere(
        asked, passages, ("Riverside Council",)
    )
    assert unsure.notes[0].endswith(
        "Another council's guidance comes closest, though it may not answer your question, for its own area:"
    )
    assert unsure.abstained and unsure.hedged and unsure.authorities == ["Hillford Council"]
    assert HEDGE_NOTE not in unsure.text  # the note says it, once
    sure = ExtractiveWriter(replace(SIMILARITY_ONLY, hedge_threshold=0.9), DOORS).elsewhere(
        asked, passages, ("Riverside Council",)
    )
    assert sure.notes[0].endswith("Another council's guidance does, for its own area:") and not sure.hedged


def test_elsewhere_points_only_to_a_sentence_holding_the_kind_of_answer_asked_for():
    # "York's documents do not say" followed by another council's figures on how many children
    # are on plans is no pointer to how long a plan lasts: a timescale question is pointed only to
    # a duration about something asked, a who-question only to a team or role.
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    asked = query("how long does a child protection plan last in Riverside?", "timescale", ("Riverside Council",))
    counts = passage("Hillford Council", ("The number of children on a child protection plan rose to 345.",), (0.8,))
    assert writer.elsewhere(asked, [counts], ("Riverside Council",)) is None
    other_thing = passage("Hillford Council", ("Visits take place within 10 working days.",), (0.8,))
    assert writer.elsewhere(asked, [other_thing], ("Riverside Council",)) is None
    lasts = passage("Hillford Council", ("A child protection plan is reviewed within 3 months.",), (0.8,))
    assert writer.elsewhere(asked, [lasts], ("Riverside Council",)).authorities == ["Hillford Council"]
    who = query("who attends the conference in Riverside?", "who", ("Riverside Council",))
    listed = passage("Hillford Council", ("Services include: conferences and reviews.",), (0.8,))
    assert writer.elsewhere(who, [listed], ("Riverside Council",)) is None
    named = passage("Hillford Council", ("The conference is attended by the Reviewing Officer.",), (0.8,))
    assert writer.elsewhere(who, [named], ("Riverside Council",)).authorities == ["Hillford Council"]
    # A question of another kind is not held to it: nothing in a sentence shows a definition for certain.
    what = query("what is a child protection plan in Riverside?", "definition", ("Riverside Council",))
    assert writer.elsewhere(what, [counts], ("Riverside Council",)) is not None
    # who does something ("chairs") is pointed only to a sentence speaking of that action: a team
    # named in a sentence about something else is no answer to who chairs it
    chairs = query("who chairs the conference in Riverside?", "who", ("Riverside Council",))
    aside = passage("Hillford Council", ("The Assessment Team decides whether a conference is needed.",), (0.8,))
    assert writer.elsewhere(chairs, [aside], ("Riverside Council",)) is None
    chaired = passage("Hillford Council", ("The conference is chaired by the Reviewing Officer.",), (0.8,))
    assert writer.elsewhere(chairs, [chaired], ("Riverside Council",)).authorities == ["Hillford Council"]
    chair = passage("Hillford Council", ("The Conference Chair is the Reviewing Officer.",), (0.8,))
    assert writer.elsewhere(chairs, [chair], ("Riverside Council",)).authorities == ["Hillford Council"]


def test_a_question_naming_only_a_council_the_library_does_not_hold_says_so():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    passages = [passage("Hillford Council", ("A strategy discussion is held within 3 working days.",), (0.80,))]
    asked = replace(query("how soon is a strategy discussion held in Leeds?", "timescale"), other_councils=("Leeds",))
    answered = writer.not_held(asked, ("Leeds",), writer.write(asked, passages))
    assert not answered.abstained and answered.authorities == ["Hillford Council"]
    assert answered.not_covered == ("Leeds",)
    note = "This library holds no guidance from Leeds: what follows is other councils' guidance, each for its own area."
    assert note in answered.notes and answered.text.index(note) < answered.text.index("3 working days")
    refused = writer.not_held(asked, ("Leeds",), writer.write(asked, [passage("Hillford Council", ("Unrelated.",), (0.1,))]))
    assert refused.abstained and refused.not_covered == ("Leeds",)
    assert refused.text == (
        "This library holds no guidance from Leeds. Please ask your duty manager or Leeds's children's services front door."
    )


def test_elsewhere_points_to_the_one_most_likely_council_with_its_best_sentence():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS, max_sentences=2)
    passages = [
        passage(
            "Hillford Council",
            ("A strategy discussion is held within 3 working days.", "The discussion is minuted by the chair."),
            (0.80, 0.75),
        ),
        passage("Lowmoor Council", ("Strategy discussions are held within 5 working days.",), (0.78,)),
    ]
    asked = query("how soon is a strategy discussion held in Riverside?", "timescale", authorities=("Riverside Council",))
    answer = writer.elsewhere(asked, passages, ("Riverside Council",))
    assert answer is not None and answer.authorities == ["Hillford Council"]
    assert len(answer.citations) == 1 and "minuted" not in answer.text
    # The same passages asked without a council: both councils and both sentences may be quoted.
    direct = writer.write(query("how soon is a strategy discussion held?", "timescale"), passages)
    assert set(direct.authorities) == {"Hillford Council", "Lowmoor Council"}


def test_a_sentence_ending_in_a_colon_is_quoted_with_the_list_it_introduces():
    intro = "There are two key time frames for a strategy discussion:"
    items = ("within 1 working day of the referral", "within 3 working days if the child is safe")
    listed = passage("Riverside Council", (intro, *items), (0.9, 0.4, 0.4))
    chunk = replace(listed.chunk, text="\n".join([intro, *(f"• {item}" for item in items)]))
    answer = ExtractiveWriter(SIMILARITY_ONLY, DOORS).write(
        query("how soon is a strategy discussion held?", "timescale"), [replace(listed, chunk=chunk)]
    )
    part = answer.parts[0]
    assert part.lead == "Within 1 working day of the referral"  # the lead comes from the list, not the promise
    assert any(q.text == f"{intro} • {items[0]} • {items[1]}" for q in part.quotes)
    assert answer.text.count(items[1]) == 1  # an item is not quoted again on its own


def test_focus_terms_are_the_rarest_known_and_match_inside_compounds():
    q = query("strategy discussion for a child")
    assert focus_terms(q) == ["strategy", "discussion"]
    assert term_present("phone", {"telephone", "call"}) and not term_present("pho", {"telephone"})
    evidence = Evidence("Hold a strategy meeting.", ("Strategy discussions",), 0.6, 0.5, 0.7)
    values = dict(zip(FEATURES, features(q, evidence), strict=True))
    assert values["focus"] == 1.0  # "strategy" in the sentence, "discussion" in the heading ("discussions")
    assert values["similarity"] == 0.6 and values["unknown_terms"] == 0.0


# Quote selection (assistant/quotes.py). The rule is passed in, so each expectation follows from
# the words of the sentences, not from whatever the tune split fitted.
REPEATS_DROPPED = Selection(min_term_gain=0.0, max_repeat=0.5)


def test_a_quote_that_repeats_the_best_sentence_is_dropped_and_one_that_adds_is_kept():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS, max_sentences=3, selection=REPEATS_DROPPED)
    passages = [
        passage(
            "Riverside Council",
            (
                "A strategy discussion decides whether to start a section 47 enquiry.",
                "The strategy discussion decides whether a section 47 enquiry should start.",
                "Police and health attend the strategy discussion.",
            ),
            (0.80, 0.79, 0.78),  # all three close enough to the best to be candidates
        )
    ]
    answer = writer.write(query("what happens at a strategy discussion?"), passages)
    quoted = [q.text for q in answer.parts[0].quotes]
    assert "The strategy discussion decides whether a section 47 enquiry should start." not in quoted
    assert "Police and health attend the strategy discussion." in quoted
    # With every candidate kept (the old rule) the repeat is quoted too.
    old = ExtractiveWriter(SIMILARITY_ONLY, DOORS, max_sentences=3, selection=KEEP_ALL)
    assert len(old.write(query("what happens at a strategy discussion?"), passages).parts[0].quotes) == 2


def test_a_quote_holding_another_duration_is_kept_although_it_repeats_words():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS, selection=REPEATS_DROPPED)
    sentences = (
        "A strategy discussion must be held within 2 working days of the referral.",
        "The strategy discussion must be held within 24 hours of the referral.",
    )
    passages = [passage("Riverside Council", sentences, (0.80, 0.79))]
    # 6 of the second sentence's 8 content words are already said (repeat 0.75 > 0.5) ...
    said = addition(query("how soon?", "timescale"), sentences[1], [sentences[0]])
    assert said.new_answers == ("24 hours",) and said.repeat > 0.5
    # ... but it holds a duration the answer does not yet give, so a timescale answer keeps it,
    timescale = writer.write(query("how soon is a strategy discussion held?", "timescale"), passages)
    assert sentences[1] in [q.text for q in timescale.parts[0].quotes]
    assert "24 hours" in timescale.text and "2 working days" in timescale.text
    # while for a question that does not ask for a duration it is only a repeat.
    general = writer.write(query("what is a strategy discussion?"), passages)
    assert sentences[1] not in general.text


def test_addition_weighs_only_the_question_terms_not_yet_said():
    q = query("strategy discussion for a child")  # weights: strategy 3.0, discussion 2.0, child 0.2
    added = addition(q, "Hold the strategy discussion for the child.", ["A strategy meeting is held."])
    # "discussion" (2.0) and "child" (0.2) are new, "strategy" (3.0) was said: 2.2 of 5.2.
    assert abs(added.term_gain - 2.2 / 5.2) < 1e-9
    assert added.new_answers == ()  # a general question asks for no particular kind of answer


def test_a_council_ranking_near_the_best_is_shown_only_when_its_own_guidance_answers():
    passages = [
        passage("Riverside Council", ("Strategy discussions are chaired by a team manager.",), (0.60,)),
        # within the council margin of Riverside's score, but its probability is 0.45, below 0.5
        passage("Hillford Council", ("Strategy discussions are recorded.",), (0.48,)),
    ]
    asked = query("who chairs a strategy discussion?")
    shown = ExtractiveWriter(SIMILARITY_ONLY, DOORS, selection=Selection(others_must_answer=True)).write(
        asked, passages
    )
    assert shown.authorities == ["Riverside Council"]
    old = ExtractiveWriter(SIMILARITY_ONLY, DOORS, selection=KEEP_ALL).write(asked, passages)
    assert old.authorities == ["Riverside Council", "Hillford Council"]


def test_an_unlikely_council_near_the_best_is_still_shown_when_it_states_a_differing_timescale():
    passages = [
        passage("Riverside Council", ("A strategy discussion is held within 2 working days.",), (0.60,)),
        # probability 0.45, below 0.5, but its sentence gives the timescale asked for, differently
        passage("Hillford Council", ("Discussions are held within 5 working days.",), (0.48,)),
    ]
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS, selection=Selection(others_must_answer=True))
    answer = writer.write(query("how soon is a strategy discussion held?", "timescale"), passages)
    assert answer.authorities == ["Riverside Council", "Hillford Council"] and answer.conflicts


def test_the_duty_or_guidance_label_goes_with_the_lead_when_its_sentence_is_not_quoted_again():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    sentence = "A strategy discussion should be held by the duty team manager."
    passages = [passage("Riverside Council", (sentence,), (0.80,), heading="4.2 Strategy discussions")]
    part = writer.write(query("what happens at a strategy discussion?", "general"), passages).parts[0]
    assert part.lead == sentence and not part.quotes and part.lead_force == "guidance"
    assert part.lead_heading == "4.2 Strategy discussions: "  # what the sentence is about, shown before it
    timed = writer.write(
        query("how soon is a strategy discussion held?", "timescale"),
        [
            passage(
                "Riverside Council",
                ("A strategy discussion must be held within 2 working days and its notes sent to all who attended.",),
                (0.80,),
            )
        ],
    ).parts[0]
    assert timed.quotes and timed.quotes[0].force == "duty" and timed.lead_force == ""  # the quote has it


def test_a_sentence_that_refers_back_is_quoted_with_the_sentence_it_refers_to():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    passages = [
        passage(
            "Riverside Council",
            ("Staff use the Graded Care Profile with families.", "This is the tool used where neglect is a feature."),
            (0.30, 0.80),
        )
    ]
    answer = writer.write(query("what tool is used where neglect is a feature?"), passages)
    assert "Graded Care Profile" in answer.text  # what "This" is
    assert answer.text.count("Staff use the Graded Care Profile") == 1
    # Not across a bullet: a new list item starting "This" is quoted as it stands.
    listed = replace(
        passages[0],
        chunk=replace(
            passages[0].chunk,
            text="• Staff use the Graded Care Profile with families.\n• This is the tool used where neglect is a feature.",
        ),
    )
    alone = writer.write(query("what tool is used where neglect is a feature?"), [listed])
    assert alone.parts[0].lead.startswith("This is the tool")


def test_a_sentence_pointing_back_inside_itself_is_scored_and_quoted_with_the_one_before():
    from assistant.write import refers_back, score_sentences

    assert refers_back("The Court Team will transfer all cases to an allocated worker at these points.")
    assert refers_back("This is the tool used where neglect is a feature.")
    assert refers_back("In such cases the manager decides.") and refers_back("Contact the hub as above.")
    assert not refers_back("Services go to those children who are in need.")  # names its own
    assert not refers_back("The duty team holds the case until the conference.")
    # A purpose line with its subject left out is the service the line before names.
    assert refers_back("To provide individual programmes of work such as family therapy.")
    assert not refers_back("To date, 40 families have been seen.") and not refers_back("To be eligible, apply.")
    sentences = (
        "The duty social worker holds a child protection case until the initial conference.",
        "The Court Team then transfers the case to an allocated social worker at these points.",
    )
    # The second sentence holds the answer but says "conference" only through "these points":
    # read with the first, it has the question's terms and ranks first, and is quoted with it.
    made = passage("Riverside Council", sentences, (0.50, 0.50))
    # read both as a hand-made passage and with the term sets the retriever caches for a chunk
    cached = replace(made, sentence_terms=tuple(frozenset(content_terms(s)) for s in sentences))
    text = "which team takes a child protection case after the initial conference?"
    weights = {"team": 2.0, "take": 2.0, "protection": 1.0, "case": 0.5, "initial": 1.0, "conference": 2.0}
    asked = replace(
        query(text, "who"),
        term_weights=tuple((t, weights.get(w, 0.2)) for w in text.strip("?").split() for t in content_terms(w)),
    )
    for riverside in ([made], [cached]):
        best, other = score_sentences(asked, riverside)
        assert best.sentence_index == 1 and best.overlap > other.overlap
        answer = ExtractiveWriter(SIMILARITY_ONLY, DOORS).write(asked, riverside)
        assert answer.parts[0].lead == "Court Team"
        assert sentences[0] in answer.text and sentences[1] in answer.text


def test_two_items_of_one_list_are_quoted_together_under_their_introducing_line_once():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    intro = "There are two key time frames:"
    items = ("24 hours from referral to decision.", "45 days from referral to complete the assessment.")
    chunk_text = f"{intro}\n• {items[0]}\n• {items[1]}"
    made = passage("Riverside Council", (intro, *items), (0.20, 0.80, 0.78))
    made = replace(made, chunk=replace(made.chunk, text=chunk_text))
    answer = writer.write(query("what are the time frames for a strategy discussion?"), [made])
    assert answer.text.count(intro) == 1
    assert "24 hours from referral to decision" in answer.text and "45 days from referral" in answer.text


def test_a_question_word_naming_the_kind_of_answer_is_held_by_an_answer_of_that_kind():
    from assistant.answerability import own_coverage
    from assistant.query import content_terms

    asked = replace(
        query("what is the timescale for an assessment?", "timescale"),
        term_weights=(("timescale", 4.0), ("assessment", 1.0)),
    )
    words = frozenset(content_terms("By having the 45 day assessment period, the assessment is fuller."))
    assert own_coverage(asked, words) == 1.0 / 5.0  # "assessment" alone
    assert own_coverage(asked, words, holds_answer=True) == 1.0  # the 45 days answer "timescale"
    # Only for the kind asked about: a who-question's words are not answered by a duration.
    assert own_coverage(replace(asked, intent="who"), words, holds_answer=True) == 1.0 / 5.0


def test_an_answer_in_the_hedge_band_opens_by_saying_it_may_not_answer_the_question():
    # probability = sigmoid(10 * similarity - 5): 0.5 at similarity 0.5, 0.73 at 0.6, 0.88 at 0.7
    hedging = replace(SIMILARITY_ONLY, hedge_threshold=0.8)
    writer = ExtractiveWriter(hedging, DOORS)
    asked = query("how soon is a strategy discussion held?", "timescale")
    unsure = writer.write(asked, [passage("Riverside Council", ("A strategy discussion is held in 3 days.",), (0.6,))])
    assert not unsure.abstained and unsure.hedged and unsure.notes[0] == HEDGE_NOTE
    assert unsure.text.startswith(HEDGE_NOTE) and unsure.as_dict()["hedged"] is True
    sure = writer.write(asked, [passage("Riverside Council", ("A strategy discussion is held in 3 days.",), (0.7,))])
    assert not sure.hedged and HEDGE_NOTE not in sure.text
    # below the answer threshold it is refused, not hedged
    refused = writer.write(asked, [passage("Riverside Council", ("A strategy discussion is held in 3 days.",), (0.4,))])
    assert refused.abstained and not refused.hedged
    # another council's answer for one that does not say is labelled as such: in the band, its
    # note says it may not answer (and it is flagged), with no second hedge note before it
    elsewhere = writer.elsewhere(
        query("how soon is a strategy discussion held in Riverside?", "timescale", authorities=("Riverside Council",)),
        [passage("Hillford Council", ("A strategy discussion is held within 3 working days.",), (0.6,))],
        ("Riverside Council",),
    )
    assert elsewhere is not None and elsewhere.hedged and HEDGE_NOTE not in elsewhere.notes
    assert "may not answer your question" in elsewhere.notes[0]


def test_a_sure_answer_that_states_no_duration_for_a_how_soon_question_is_flagged_not_refused():
    # similarity 0.9: probability 0.98, far above the hedge point; yet no sentence quoted gives a duration
    writer = ExtractiveWriter(replace(SIMILARITY_ONLY, hedge_threshold=0.8), DOORS)
    asked = query("how soon is a strategy discussion held?", "timescale")
    no_duration = passage("Riverside Council", ("A strategy discussion is held by the police and the council.",), (0.9,))
    flagged = writer.write(asked, [no_duration])
    assert not flagged.abstained and flagged.hedged and flagged.notes[0] == NO_DURATION_NOTE
    assert flagged.text.startswith(NO_DURATION_NOTE) and HEDGE_NOTE not in flagged.text
    assert flagged.parts[0].lead.startswith("A strategy discussion is held by")  # still given, with its quote
    # a duration in a further quote, not the best sentence, is a duration the reader is shown
    later = passage(
        "Riverside Council",
        ("A strategy discussion is held by the police and the council.", "Strategy discussions are held in 2 days."),
        (0.9, 0.85),
    )
    assert not writer.write(asked, [later]).hedged
    # a duration answers it unflagged; so does any answer to "when must …", which a circumstance may
    # answer as well as a time, and any question of another kind
    stated = passage("Riverside Council", ("A strategy discussion is held within 2 working days.",), (0.9,))
    assert not writer.write(asked, [stated]).hedged
    assert not writer.write(query("when must a strategy discussion be held?", "timescale"), [no_duration]).hedged
    assert not writer.write(query("what is a strategy discussion?", "definition"), [no_duration]).hedged


def test_the_hedge_band_runs_from_the_answer_threshold_up_to_the_hedge_point():
    model = replace(SIMILARITY_ONLY, hedge_threshold=0.8)
    assert [model.hedged(p) for p in (0.49, 0.5, 0.79, 0.8, 0.95)] == [False, True, True, False, False]
    # a stored model without a hedge point, or one below the threshold, flags nothing
    assert not any(SIMILARITY_ONLY.hedged(p) for p in (0.5, 0.7, 0.99))
    assert replace(SIMILARITY_ONLY, hedge_threshold=0.2).hedge_threshold == 0.5


def test_the_hedge_point_is_stored_and_read_back_and_an_older_file_without_one_flags_nothing(tmp_path):
    path = tmp_path / "answerability.json"
    replace(SIMILARITY_ONLY, hedge_threshold=0.8).save(path)
    assert AnswerabilityModel.load(path).hedge_threshold == 0.8
    older = json.loads(path.read_text())
    del older["hedge_threshold"]
    path.write_text(json.dumps(older))
    assert AnswerabilityModel.load(path).hedge_threshold == 0.5


def test_a_short_form_typed_in_the_plural_is_found_where_the_short_form_or_its_spelling_is():
    from assistant.answerability import own_coverage
    from assistant.query import content_terms, stem

    assert stem("s47s") == "s47" and stem("s20s") == "s20" and stem("cats") == "cats"
    iros = Query(
        "when are IROs told?",
        "when are IROs told?",
        (),
        (),
        (),
        "timescale",
        term_weights=(("iros", 3.0), ("told", 1.0)),
        concepts=(("IRO", "Independent Reviewing Officer"),),
    )
    spelt = frozenset(content_terms("Notify the Independent Reviewing Officer at once."))
    short = frozenset(content_terms("Notify the IRO at once."))
    assert own_coverage(iros, spelt) == 0.75 and own_coverage(iros, short) == 0.75  # "iros" found, "told" not
    assert own_coverage(iros, frozenset(content_terms("Notify the manager."))) == 0.0


def test_a_council_whose_guidance_never_names_the_thing_asked_about_is_not_shown_beside_one_that_does():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    passages = [
        passage("Riverside Council", ("The Graded Care Profile is used where neglect is a feature.",), (0.80,)),
        passage("Hillford Council", ("A profile of care is kept where neglect is a feature.",), (0.75,)),
    ]
    asked = query("When is the Graded Care Profile used?")
    assert asked.named_things == ("graded care profile",)
    assert writer.write(asked, passages).authorities == ["Riverside Council"]
    # a question naming nothing keeps both councils near each other, as before
    assert len(writer.write(query("when is a profile of care used?"), passages).authorities) == 2


def test_a_name_is_its_words_in_a_row_not_its_words_anywhere_in_a_sentence():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    passages = [
        passage("Riverside Council", ("The Family Solutions service works with Action for Children.",), (0.80,)),
        passage("Hillford Council", ("Wider families meet and identify their own solutions with a charity.",), (0.75,)),
    ]
    asked = query("Which charity does the Family Solutions service work with?")
    assert writer.write(asked, passages).authorities == ["Riverside Council"]


def test_the_lead_s_sentence_and_heading_are_not_printed_twice():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS, max_sentences=3, selection=KEEP_ALL)
    passages = [
        passage(
            "Riverside Council",
            (
                "New arrangements for missing children are now in place.",
                "This includes a new team based in the youth service.",
                "Return interviews are offered within 72 hours.",
            ),
            (0.80, 0.70, 0.65),
            heading="Missing children",
        )
    ]
    part = writer.write(query("what arrangements are there for missing children?"), passages).parts[0]
    assert part.lead == "New arrangements for missing children are now in place."
    # The next sentence refers back to the lead's, which is printed just above it: quoted alone.
    assert [q.text for q in part.quotes][:1] == ["This includes a new team based in the youth service."]
    # Quotes from the lead's own passage sit under the heading the lead line shows.
    assert part.lead_heading == "Missing children: " and all(q.heading == "" for q in part.quotes)
    text = writer.write(query("what arrangements are there for missing children?"), passages).text
    assert text.count("New arrangements for missing children") == 1 and text.count("Missing children:") == 1


def test_a_follow_up_s_own_words_lift_the_sentence_that_holds_them():
    from assistant.write import W_FOLLOW_UP_WORDS, score_sentences

    sentences = (
        "The lead social worker must visit the child at least every ten working days.",
        "Babies should be seen awake.",
    )
    passages = [passage("Riverside Council", sentences, (0.70, 0.69))]
    read = Query(
        "what about babies?",
        "How often must the lead social worker visit babies on a plan?",
        (),
        (),
        (),
        "general",
        term_weights=(("lead", 1.0), ("social", 0.5), ("worker", 0.5), ("visit", 1.0), ("babi", 2.0)),
        follow_up=True,
    )
    as_read = {s.text: s.score for s in score_sentences(read, passages)}
    stressed = {s.text: s.score for s in score_sentences(replace(read, stressed_terms=("babi",)), passages)}
    assert stressed[sentences[1]] - as_read[sentences[1]] == pytest.approx(W_FOLLOW_UP_WORDS)
    assert stressed[sentences[0]] == as_read[sentences[0]]  # no follow-up word in it: unchanged


def test_a_sentence_introducing_a_list_is_scored_on_the_list_it_is_quoted_with():
    from assistant.write import score_sentences

    sentences = (
        "The strategy discussion:",
        "decides whether enquiries should start;",
        "plans when the child will be seen.",
        "Notes are kept.",
    )
    made = passage("Riverside Council", sentences, (0.40, 0.60, 0.50, 0.10))
    listed = replace(
        made,
        chunk=replace(
            made.chunk,
            text="The strategy discussion:\n• decides whether enquiries should start;\n"
            "• plans when the child will be seen.\nNotes are kept.",
        ),
    )
    ask = replace(query("what does the strategy discussion plan?"), term_weights=(("strategy", 1.0), ("plan", 1.0)))
    flat = {s.text: s for s in score_sentences(ask, [made])}
    scored = {s.text: s for s in score_sentences(ask, [listed])}
    intro = scored["The strategy discussion:"]
    # Its best item's similarity (0.60) is averaged with its own (0.40), and the items' word "plans"
    # is counted with "strategy" (the whole of the question's weight).
    assert intro.similarity == pytest.approx((0.40 + 0.60) / 2) and intro.overlap == pytest.approx(1.0)
    # Without its list in the passage's text it introduces nothing there is to quote: no candidate.
    assert "The strategy discussion:" not in flat
    assert scored["Notes are kept."].score == flat["Notes are kept."].score  # not a list intro: unchanged


def test_a_hedged_answer_says_so_before_a_conflict_of_timescales():
    from assistant.types import AuthorityAnswer
    from assistant.write import render_text

    part = AuthorityAnswer("Riverside Council", "Riverside, procedure 2024", "Within 2 working days", 1)
    conflict = "The councils' documents state different timescales — Riverside: … [1]; Hillford: … [2]."
    text = render_text("", (conflict,), (HEDGE_NOTE, "2 councils' documents answer this"), (part,))
    assert text.index(HEDGE_NOTE) < text.index(conflict) < text.index("2 councils' documents answer this")
    assert render_text("", (conflict,), (), (part,)).startswith(conflict)  # not hedged: unchanged


def test_durations_about_different_things_are_not_called_a_conflict():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    passages = [
        passage("Riverside Council", ("The first core group meeting is held within 10 working days.",), (0.80,)),
        passage("Hillford Council", ("The assessment is completed within 45 working days.",), (0.78,)),
    ]
    asked = replace(
        query("how many working days to send out the core group minutes?", "timescale"),
        term_weights=(("working", 1.0), ("day", 1.0), ("core", 2.0), ("group", 2.0), ("minut", 3.0)),
    )
    answer = writer.write(asked, passages)
    # Both are shown, each for its own area, but the only words they share are a duration's.
    assert answer.authorities == ["Riverside Council", "Hillford Council"] and not answer.conflicts
    same_thing = [
        passages[0],
        passage("Hillford Council", ("Core group meetings are held within 15 working days.",), (0.78,)),
    ]
    assert writer.write(asked, same_thing).conflicts  # "core", "group": the same thing, two rules

    # Sharing only who every rule is about ("the child", "the case") is no more the same thing.
    child_only = [
        passage("Riverside Council", ("The child is seen within 5 working days of the referral.",), (0.80,)),
        passage("Hillford Council", ("Work ends when the child has been on a plan for 12 months.",), (0.79,)),
    ]
    about_child = query("how soon is the child seen after a referral?", "timescale")
    answer = writer.write(about_child, child_only)
    assert answer.authorities == ["Riverside Council", "Hillford Council"] and not answer.conflicts
    # ... while "see" asked and "seen" written are one word: the same thing, two rules
    seen = [
        passage("Riverside Council", ("The child will be seen within 5 working days.",), (0.80,)),
        passage("Hillford Council", ("The child will be seen within 10 working days.",), (0.79,)),
    ]
    assert writer.write(query("how soon should a social worker see the child?", "timescale"), seen).conflicts


def test_the_verb_a_duration_is_asked_with_and_the_step_counted_from_make_no_conflict():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    # "take" asked ("how long does an enquiry take?") and "take place" written name no step: the
    # conference and the core group are two steps, neither of them the enquiry.
    take_place = [
        passage("Riverside Council", ("The conference must take place within 15 working days.",), (0.80,)),
        passage("Hillford Council", ("The first core group must take place within 10 working days.",), (0.79,)),
    ]
    asked = replace(
        query("how long does an enquiry take?", "timescale"), term_weights=(("enquiry", 3.0), ("take", 1.0))
    )
    answer = writer.write(asked, take_place)
    assert answer.authorities == ["Riverside Council", "Hillford Council"] and not answer.conflicts
    # The step asked about named only as the one another step is counted from is not what is timed:
    # "core group … within 10 working days of the initial conference" is no rule for the conference.
    counted_from = [
        passage("Riverside Council", ("The initial conference is held within 15 working days.",), (0.80,)),
        passage(
            "Hillford Council", ("The core group meets within 10 working days of the initial conference.",), (0.79,)
        ),
    ]
    conference = replace(
        query("how soon is the initial conference held?", "timescale"),
        term_weights=(("initial", 2.0), ("conference", 2.0), ("held", 1.0)),
    )
    assert not writer.write(conference, counted_from).conflicts
    same_step = [counted_from[0], passage("Hillford Council", ("The initial conference is held within 10 working days.",), (0.79,))]
    assert writer.write(conference, same_step).conflicts  # the same step, two rules


def test_focus_terms_put_everyday_english_words_after_the_rest():
    asked = replace(
        query("where does the case go if the child goes on a protection plan?"),
        term_weights=(("go", 4.0), ("case", 0.8), ("protection", 1.5), ("plan", 1.2)),
    )
    # "go" is the rarest in the library, but an everyday English word: "protection" leads.
    assert focus_terms(asked) == ["protection", "go"]


def test_a_list_item_quoted_under_its_line_is_not_quoted_again_beside_the_whole_list():
    from assistant.write import _quoted_within

    whole = "The service covers the following areas: • Initial Assessments • Section 7 reports"
    assert _quoted_within("The service covers the following areas: … Section 7 reports", whole)
    assert _quoted_within("Initial Assessments", whole)
    assert not _quoted_within("The service covers the following areas: … Adoption", whole)
    assert not _quoted_within(whole, whole)  # the same quote twice is one quote, kept once by the writer


def test_councils_asked_about_together_whose_documents_do_not_say_are_named_in_one_sentence():
    from assistant.write import _documents_do_not_say

    assert _documents_do_not_say(["York"]) == "York's documents in this library do not say."
    assert _documents_do_not_say(["Torbay", "York"]) == "Neither Torbay's nor York's documents in this library say."
    assert _documents_do_not_say(["Stockton-on-Tees", "Torbay", "York"]) == (
        "None of Stockton-on-Tees's, Torbay's or York's documents in this library say."
    )


def test_a_council_asked_about_beside_one_that_answers_is_said_not_to_and_given_its_front_door():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    passages = [passage("Hillford Council", ("A strategy discussion is held within 3 working days.",), (0.80,))]
    both = ("Riverside Council", "Hillford Council")
    answer = writer.write(query("how soon in Riverside and Hillford?", "timescale", authorities=both), passages)
    assert not answer.abstained and answer.authorities == ["Hillford Council"]
    assert answer.not_covered == ("Riverside Council",)
    note = "Riverside's documents in this library do not say. For Riverside, ask the Riverside Children's Hub."
    assert answer.notes[-1] == note and note in answer.text.split("\n\n")[0]
    # asked of the answering council alone, nothing is said of another
    alone = writer.write(query("how soon in Hillford?", "timescale", authorities=("Hillford Council",)), passages)
    assert alone.not_covered == () and "do not say" not in alone.text


def test_a_how_often_question_is_led_by_a_frequency_not_a_one_off_deadline():
    # the same similarity: the deadline sentence comes first in the passage, the frequency second
    visits = passage(
        "Riverside Council",
        (
            "An officer must visit the child within seven working days of the notification.",
            "After that the officer must visit the child at intervals of no more than six weeks.",
        ),
        (0.7, 0.7),
    )
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    often = writer.write(query("how often must the officer visit the child?", "timescale"), [visits])
    assert "at intervals of no more than six weeks" in often.parts[0].lead
    # a how-soon question about the same visits still leads with the deadline
    soon = writer.write(query("how soon must the officer visit the child?", "timescale"), [visits])
    assert "within seven working days" in soon.parts[0].lead.lower()


def test_national_guidance_is_said_to_apply_in_the_council_asked_about_and_is_shown_first():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    writer.national = frozenset({"Department for Education"})
    passages = [
        passage("Hillford Council", ("A strategy discussion is held within 3 working days.",), (0.85,)),
        passage("Department for Education", ("A strategy discussion is held within 2 working days.",), (0.75,)),
    ]
    asked = query("how soon is a strategy discussion held in Riverside?", "timescale", ("Riverside Council",))
    answer = writer.elsewhere(asked, passages, ("Riverside Council",))
    # Hillford's sentence ranks higher, but its rule is Hillford's; the national one applies in Riverside
    assert answer.authorities == ["Department for Education"]
    assert answer.notes[0].endswith("National guidance, which applies there too, does:")
    assert "for its own area" not in answer.text
    # asked with no council: beside a council's answer, national guidance is not "for its own area"
    both = writer.write(query("how soon is a strategy discussion held?", "timescale"), passages)
    assert set(both.authorities) == {"Hillford Council", "Department for Education"}
    assert "National guidance applies in every area" in both.text and "each for its own area" not in both.text
    # a council the library holds nothing from: national guidance applies there too
    leeds = replace(query("how soon is a strategy discussion held in Leeds?", "timescale"), other_councils=("Leeds",))
    national_only = writer.not_held(leeds, ("Leeds",), writer.write(leeds, passages[1:]))
    assert national_only.notes[-1] == (
        "This library holds no guidance from Leeds: what follows is national guidance, which applies there too."
    )
    mixed = writer.not_held(leeds, ("Leeds",), writer.write(leeds, passages))
    assert "national guidance, which applies there too, and other councils' guidance" in mixed.notes[-1]
    # a refusal naming no council lists the councils' front doors, not the department's
    writer.front_doors = {**DOORS, "Department for Education": "local authority children's social care"}
    refused = writer.write(query("who pays for school uniforms?"), [passage("Hillford Council", ("Unrelated.",), (0.1,))])
    assert "Hillford" in refused.text and "Department for Education" not in refused.text
    named = query("who pays for school uniforms under the DfE guidance?", authorities=("Department for Education",))
    assert "local authority children's social care" in writer.write(named, []).text  # given when it is named


def test_who_pays_is_answered_only_by_guidance_that_speaks_of_money():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    service = passage("Riverside Council", ("The Disabled Children's Team provides help to disabled children.",), (0.8,))
    asked = query("who pays for a wetroom for a disabled child in Riverside?", authorities=("Riverside Council",))
    assert writer.write(asked, [service]).abstained  # the service, not who pays for it
    funded = passage(
        "Riverside Council", ("Home adaptations for disabled children are funded by the housing grant.",), (0.8,)
    )
    assert not writer.write(asked, [funded]).abstained
    # the same sentence still answers a question that is not about money
    assert not writer.write(query("what does the Disabled Children's Team do?"), [service]).abstained


def test_a_sentence_that_asks_is_never_quoted_as_the_answer():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    asked = query("what happens at level 3?")
    checklist = passage(
        "Riverside Council",
        (
            "Before a referral, ask yourself: Does the concern meet Level 3 or Level 4?",
            "Does the concern meet Level 3?",
            "At Level 3 the family receives intensive support from the Family Support Team.",
        ),
        (0.70, 0.95, 0.65),
    )
    answer = writer.write(asked, [checklist])
    quoted = [answer.parts[0].lead, *(q.text for q in answer.parts[0].quotes)]
    assert not any(text.rstrip().endswith("?") for text in quoted)
    assert any("intensive support" in text for text in quoted)
    # a passage of questions alone answers nothing: the question is refused, with the front door
    only_questions = passage("Riverside Council", ("What is Level 3?", "Who decides?"), (0.95, 0.9))
    refused = writer.write(asked, [only_questions])
    assert refused.abstained and "Riverside Children's Hub" in refused.refusal


def test_a_question_naming_a_level_is_answered_from_that_level_in_its_words_or_headings():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    # the Level 2 sentence is a little nearer in meaning; the Level 3 one sits under a heading naming Level 3
    level_two = passage(
        "Riverside Council", ("At Level 2 the family has additional needs met by universal services.",), (0.72,),
        heading="5. Additional Support – Level 2",
    )
    level_three = passage(
        "Riverside Council", ("Intensive support is for families with complex or multiple needs.",), (0.70,),
        heading="6. Intensive Support – Level 3",
    )
    asked = query("what happens at level 3?", "threshold")
    assert asked.asked_levels == {"3"}
    assert writer.write(asked, [level_two, level_three]).parts[0].lead.startswith("Intensive support")
    # with no level named, the nearer sentence leads as before (a threshold lead is its level)
    unnamed = writer.write(query("what happens at this level?", "threshold"), [level_two, level_three])
    assert unnamed.parts[0].lead == "Level 2"


def test_levels_are_read_by_their_numbers_not_by_the_word_level():
    from assistant.query import levels_named

    assert levels_named("Levels 3 and 4 only") == {"3", "4"}
    assert levels_named("Level: 4; Name: Specialist Support") == {"4"}  # a table row
    assert levels_named("is that tier two?") == {"2"}
    assert levels_named("low-level self-harm and medium-level CSE indicators") == frozenset()


def test_a_line_introducing_a_list_is_quoted_only_with_its_list():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    asked = query("what are the signs of level 3?", "threshold")
    dangling = passage(
        "Riverside Council",
        ("Examples of signs that a child sits at Level 3:", "Level 3 covers families with complex needs."),
        (0.9, 0.7),
    )
    answer = writer.write(asked, [dangling])
    shown = [answer.parts[0].lead, *(q.text for q in answer.parts[0].quotes)]
    assert not any(text.rstrip().endswith(":") for text in shown)
    # with its list in the passage, the line is quoted, and the list with it
    meta_passage = passage("Riverside Council", ("Signs of Level 3 include:", "missing school", "no food"), (0.9, 0.5, 0.5))
    listed = replace(
        meta_passage, chunk=replace(meta_passage.chunk, text="Signs of Level 3 include:\n• missing school\n• no food")
    )
    quoted = writer.write(asked, [listed])
    assert "Signs of Level 3 include: • missing school • no food" in quoted.text



def test_a_how_soon_answer_timing_another_step_counted_from_the_one_asked_is_flagged_not_refused():
    # "The first Review Conference must be held within 3 months of the Initial Child Protection
    # Conference" states a duration, and the step asked about, but does not time that step
    writer = ExtractiveWriter(replace(SIMILARITY_ONLY, hedge_threshold=0.8), DOORS)
    asked = replace(
        query("how quickly must the initial child protection conference be held?", "timescale"),
        concepts=(("CP", "child protection"), ("ICPC", "initial child protection conference")),
    )
    review = "The first Review Conference must be held within 3 months of the Initial Child Protection Conference."
    flagged = writer.write(asked, [passage("Riverside Council", (review,), (0.9,))])
    note = COUNTED_FROM_NOTE.format(topic="the initial child protection conference")
    assert note == (
        "This may not answer your question: the timescale quoted is for another step, counted from the initial "
        "child protection conference. Check the quotes."
    )
    assert not flagged.abstained and flagged.hedged and flagged.notes[0] == note
    # the same, asked by its acronym; a later review "for a child protection plan" does not time it either
    by_acronym = replace(asked, text="how soon must the ICPC be held?", normalised="how soon must the ICPC be held?")
    plan = "After that, Review Conferences take place every 6 months while a Child Protection Plan lasts."
    again = writer.write(by_acronym, [passage("Riverside Council", (review, plan), (0.9, 0.85))])
    assert again.hedged and again.notes[0] == COUNTED_FROM_NOTE.format(topic="the ICPC")
    # a sentence timing the step itself, as lead or as a further quote, answers it unflagged
    held = "An Initial Child Protection Conference is held within 15 working days of the strategy discussion."
    assert not writer.write(asked, [passage("Riverside Council", (held,), (0.9,))]).hedged
    assert not writer.write(asked, [passage("Riverside Council", (review, held), (0.9, 0.85))]).hedged
    # a question about nothing in particular ("a child") is not held to it
    seen = query("how soon must a child be seen after a referral?", "timescale")
    counted = "A visit must follow within 5 working days of the child being seen."
    assert not writer.write(seen, [passage("Riverside Council", (counted,), (0.9,))]).hedged


def test_a_what_is_question_leads_with_the_sentence_defining_the_thing_asked_about():
    # the one naming it in passing is nearer the question's words; the definition is what is asked
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    named = "Read with the National Minimum Standards for Private Fostering."

    def lead(question: str, intent: str, other: str) -> str:
        passages = [passage("Riverside Council", (named, other), (0.75, 0.70))]
        return writer.write(query(question, intent), passages).parts[0].lead

    defining = "A child is privately fostered where he or she is under 16 and is cared for by someone else."
    assert lead("what is private fostering?", "definition", defining).startswith("A child is privately fostered")
    # a definition of something else gets nothing, nor does a question of another kind
    other = "A strategy discussion is a meeting of the police and the council about a child."
    assert lead("what is private fostering?", "definition", other).startswith("Read with")
    assert lead("when does private fostering start?", "timescale", defining).startswith("Read with")


def test_a_line_in_capitals_is_a_title_and_never_quoted_as_an_answer():
    # a document's front matter ("6.1 IMPLEMENTATION OF THE CHILD PROTECTION PLAN - …") led a partner's answer
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    asked = query("who is responsible for a child protection plan?", "who")
    title = "6.1 IMPLEMENTATION OF THE CHILD PROTECTION PLAN - LEAD SOCIAL WORKER AND CORE GROUP RESPONSIBILITIES"
    said = "The Lead Social Worker is responsible for the plan, with the Core Group and the MASH."
    answer = writer.write(asked, [passage("Riverside Council", (title, said), (0.9, 0.7))])
    assert "IMPLEMENTATION" not in answer.text and "Lead Social Worker" in answer.text


def test_a_team_covering_the_thing_a_who_question_asks_about_is_no_sure_answer_to_who_does_it():
    # Torbay's "who chairs the initial child protection conference?" led, unflagged, with the service
    # whose list of areas holds "Transfer-In Initial Child Protection Conferences"
    writer = ExtractiveWriter(replace(SIMILARITY_ONLY, hedge_threshold=0.8), DOORS)
    intro = "The Safeguarding Service covers the following areas:"
    item = "Transfer-In Initial Child Protection Conferences"
    listed = passage("Riverside Council", (intro, item), (0.5, 0.9))
    listed = replace(listed, chunk=replace(listed.chunk, text=f"{intro}\n• {item}\n• Emergency Protection Orders"))
    chairs = writer.write(query("who chairs the initial child protection conference?", "who"), [listed])
    assert chairs.hedged and chairs.notes[0] == HEDGE_NOTE and not chairs.abstained
    # a list whose introducing line speaks of the action answers it, and so does a list item that
    # is not the question's own subject
    chaired = "Conferences chaired by the Safeguarding Service include:"
    said = passage("Riverside Council", (chaired, item), (0.5, 0.9))
    said = replace(said, chunk=replace(said.chunk, text=f"{chaired}\n• {item}"))
    assert not writer.write(query("who chairs the initial child protection conference?", "who"), [said]).hedged
    # (a list item that is not the question's own subject is no such team; the answer is flagged all
    # the same when, as here, the item quoted does not name the thing asked about: see below)
    assert writer.write(query("who handles emergency protection orders?", "who"), [listed]).hedged


def test_a_who_answer_whose_sentence_does_not_name_the_thing_asked_about_is_flagged():
    # Durham's "who leads section 47 enquiries?" led, unflagged, with the police, from a sentence
    # on the criminal investigation that only its heading tied to Section 47 enquiries
    writer = ExtractiveWriter(replace(SIMILARITY_ONLY, hedge_threshold=0.8), DOORS)
    police = "Where a crime may have been committed, the police lead the criminal investigation."
    found = passage("Riverside Council", (police,), (0.9,))
    found = replace(found, chunk=replace(found.chunk, section_path=("Joint Section 47 Enquiries",)))
    answer = writer.write(query("who leads section 47 enquiries?", "who"), [found])
    assert answer.hedged and answer.notes[0] == HEDGE_NOTE and not answer.abstained
    social = passage("Riverside Council", ("Social workers lead Section 47 enquiries, with the police.",), (0.9,))
    assert not writer.write(query("who leads section 47 enquiries?", "who"), [social]).hedged


def test_a_sure_answer_that_states_no_number_for_a_how_many_question_is_flagged_not_refused():
    # Torbay's "how many child protection plans?" led, unflagged, with "Children subject to Child
    # Protection plans", a list item under a service that "came into effect on 1st June 2014"
    writer = ExtractiveWriter(replace(SIMILARITY_ONLY, hedge_threshold=0.8), DOORS)
    asked = query("how many child protection plans does Riverside have?", "general")
    listed = passage("Riverside Council", ("Since 1st June 2014 the service covers children on child protection plans.",), (0.9,))
    flagged = writer.write(asked, [listed])
    assert not flagged.abstained and flagged.hedged and flagged.notes[0] == NO_COUNT_NOTE
    counted = passage("Riverside Council", ("There are currently 156 children on child protection plans.",), (0.9,))
    assert not writer.write(asked, [counted]).hedged
    in_words = passage("Riverside Council", ("Three teams hold child protection plans.",), (0.9,))
    assert not writer.write(asked, [in_words]).hedged
    # "how many days" asks for a duration (its own flag), not a count
    assert not query("how many working days for a core assessment?", "timescale").asks_for_a_count


def test_a_who_is_there_answer_from_a_sentence_that_says_nothing_of_attending_is_flagged():
    from assistant.lead import ATTEND, asked_action

    for asked in (
        "who has to be at a strategy discussion?",
        "who should be involved in the strategy discussion?",
        "who attends the conference?",
        "who is invited to the review?",
        "who takes part in the core group?",
    ):
        assert asked_action(asked) == ATTEND, asked
    assert asked_action("who is at risk?") != ATTEND and asked_action("who chairs it?") == "chairs"

    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    at = query("who has to be at a strategy discussion?", "who")
    # what the discussion does, not who is there ("joint with the police" is no "join")
    does = passage("Riverside Council", ("The strategy discussion decides whether the enquiry is joint with the police.",), (0.9,))
    answer = writer.write(at, [does])
    assert answer.hedged and answer.text.startswith(HEDGE_NOTE)
    attended = passage("Riverside Council", ("The strategy discussion is attended by the police and health.",), (0.9,))
    assert not writer.write(at, [attended]).hedged
    # Another action is not held to it: "leads" asked and "led" written would need a stemmer that knows both.
    led = passage("Riverside Council", ("The strategy discussion is led by the team manager.",), (0.9,))
    assert not writer.write(query("who runs the strategy discussion?", "who"), [led]).hedged


def test_a_topic_named_by_its_short_form_is_one_thing_not_its_words_again():
    from assistant.write import _topic_units

    asked = replace(
        query("who leads a s47 enquiry?", "who"),
        concepts=(("s47", "section 47 enquiry", "child protection enquiry"),),
    )
    units = _topic_units(asked)
    # "enquiry" is a word of the concept's own name: no second unit for it
    assert units is not None and units[1] == (("s47", "section 47 enquiry", "child protection enquiry"),)
    # so a sentence saying only "the enquiry" holds none of the topic, and its who-answer is flagged
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    police = "The police lead the criminal investigation and the enquiry is conducted jointly."
    assert writer.write(asked, [passage("Riverside Council", (police,), (0.9,))]).hedged
    social_work = "Social workers lead every section 47 enquiry."
    assert not writer.write(asked, [passage("Riverside Council", (social_work,), (0.9,))]).hedged


def test_a_glossary_phrase_is_held_in_the_plural_and_the_singular():
    from assistant.write import _holds_phrase

    assert _holds_phrase("Section 47 enquiries are led by social workers.", "section 47 enquiry")
    assert _holds_phrase("Child protection plans are reviewed.", "child protection plan")
    assert _holds_phrase("The ICPCs are held monthly.", "ICPC")
    assert _holds_phrase("a child protection plan", "child protection plans")
    assert not _holds_phrase("the enquiryx", "enquiry") and not _holds_phrase("a proces", "process")


def test_an_unlikely_council_is_shown_beside_the_answer_only_where_it_names_the_thing_asked():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    asked = replace(
        query("how often must a privately fostered child be visited?", "timescale"),
        term_weights=(("privately", 2.0), ("fostered", 2.0), ("visited", 1.0)),
    )
    answer = passage(
        "Riverside Council", ("A privately fostered child is visited every six weeks in the first year.",), (0.9,)
    )
    # below the operating point (0.45), and its duration is for a child on a protection plan
    other = passage("Hillford Council", ("Visit the child at least once every ten working days.",), (0.45,))
    assert writer.write(asked, [answer, other]).authorities == ["Riverside Council"]
    # the same council naming the thing asked is a differing rule, and is shown
    named = passage("Hillford Council", ("A privately fostered child is visited every four weeks.",), (0.45,))
    assert writer.write(asked, [answer, named]).authorities == ["Riverside Council", "Hillford Council"]


def test_a_council_beside_the_answer_whose_sentence_does_not_name_the_thing_asked_is_said_to_be_unsure():
    from assistant.write import ASIDE_NOTE

    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    asked = replace(
        query("when is the first review conference due?", "timescale"),
        term_weights=(("first", 1.0), ("review", 2.0), ("conference", 2.0), ("due", 1.0)),
    )
    review = passage("Riverside Council", ("The first review conference is held within 3 months.",), (0.9,))
    # likely to answer (0.8), but its duration is for another step: shown, and said to be unsure
    other_step = passage("Hillford Council", ("The strategy discussion is held within 15 working days.",), (0.8,))
    answer = writer.write(asked, [review, other_step])
    assert answer.authorities == ["Riverside Council", "Hillford Council"]
    note = ASIDE_NOTE.format(names="Hillford", topic="the first review conference")
    assert note in answer.notes and note in answer.text
    # naming the thing asked, it is a differing rule, told as such, with no aside
    same = passage("Hillford Council", ("The first review conference is held within 6 months.",), (0.8,))
    answer = writer.write(asked, [review, same])
    assert answer.conflicts and not any(n.startswith("Hillford:") for n in answer.notes)
    # where the first council does not name it either, there is no contrast to draw: no aside
    neither = passage("Riverside Council", ("The core group meets within 10 working days.",), (0.9,))
    answer = writer.write(asked, [neither, other_step])
    assert not any(n.startswith(("Hillford:", "Riverside:")) for n in answer.notes)


def test_a_which_team_question_flags_a_council_whose_sentence_is_not_about_what_the_team_is_asked_to_do():
    from assistant.write import ASIDE_NOTE

    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    asked = replace(
        query("Which team is the front door for new referrals?", "who"),
        term_weights=(("front", 2.0), ("door", 2.0), ("new", 1.0), ("referrals", 2.0)),
    )
    door = passage("Riverside Council", ("The Referral Service is the front door for new referrals.",), (0.9,))
    # likely to answer (0.8), but its sentence names a team for something else
    other = passage("Hillford Council", ("The Placement Team recruits foster carers.",), (0.8,))
    third = passage("Lowmoor Council", ("The Adoption Team assesses adopters.",), (0.8,))
    answer = writer.write(asked, [door, other, third])
    assert answer.authorities == ["Riverside Council", "Hillford Council", "Lowmoor Council"]
    note = ASIDE_NOTE.format(names="Hillford and Lowmoor", topic="the front door for new referrals")
    assert note in answer.notes and note in answer.text
    assert not answer.hedged  # the first council's own sentence answers it
    # ...and each unsure council's own lead says so, where it is read
    assert [p.unsure for p in answer.parts] == [False, True, True]
    assert [p["unsure"] for p in answer.as_dict()["parts"]] == [False, True, True]
    assert answer.text.count("(may be about something else).") == 2
    # a council beside it naming what was asked is no aside
    same = passage("Hillford Council", ("Its Duty Team is the front door for new referrals.",), (0.8,))
    answer = writer.write(asked, [door, same])
    assert not any(n.startswith("Hillford") for n in answer.notes)
    # the first council's own sentence not naming it flags the whole answer, with no aside
    answer = writer.write(asked, [other])
    assert answer.authorities == ["Hillford Council"] and answer.hedged


def test_councils_are_listed_with_and_only_before_the_last():
    from assistant.lead import listing

    assert listing(["York"]) == "York"
    assert listing(["York", "Torbay"]) == "York and Torbay"
    assert listing(["York", "Bath and North East Somerset", "Torbay"]) == "York, Bath and North East Somerset and Torbay"


def test_a_who_answer_whose_sentence_names_no_one_says_so():
    from assistant.write import NO_ROLE_NOTE

    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    asked = replace(
        query("who makes the final decision on the plan?", "who"),
        term_weights=(("final", 2.0), ("decision", 2.0), ("plan", 1.0)),
    )
    what = passage("Riverside Council", ("A review looks again at the plan and decides whether it continues.",), (0.9,))
    answer = writer.write(asked, [what])
    note = NO_ROLE_NOTE.format(whose="")
    assert answer.hedged and answer.notes[0] == note and answer.text.startswith(note)
    # a role named in the sentence (or a word a who-answer holds) is an answer of the kind asked
    for said in ("The Conference Chair makes the final decision on the plan.", "The social worker's manager decides."):
        answer = writer.write(asked, [passage("Riverside Council", (said,), (0.9,))])
        assert NO_ROLE_NOTE.format(whose="") not in answer.notes


def test_a_timescale_answer_whose_sentence_does_not_name_the_thing_timed_says_so():
    from assistant.write import UNNAMED_NOTE

    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    asked = replace(
        query("how long do we have to send the outcome letter?", "timescale"),
        term_weights=(("send", 2.0), ("outcome", 2.0), ("letter", 2.0)),
    )
    other_step = passage("Riverside Council", ("The conference is held within 15 working days.",), (0.9,))
    answer = writer.write(asked, [other_step])
    assert answer.hedged and answer.notes[0] == UNNAMED_NOTE.format(topic="the outcome letter")
    named = passage("Riverside Council", ("The outcome letter is sent within 5 working days.",), (0.9,))
    assert not writer.write(asked, [named]).hedged


def test_a_timescale_answer_naming_only_what_modifies_the_thing_timed_says_so():
    # "the core group minutes": the minutes are timed; "core group" only says whose. A sentence
    # timing the core group meeting holds two of its three words but not the minutes.
    from assistant.write import UNNAMED_NOTE

    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    asked = replace(
        query("how many working days do we have to circulate the core group minutes?", "timescale"),
        term_weights=(("core", 1.0), ("group", 1.0), ("minutes", 2.0), ("circulate", 2.0)),
    )
    meeting = passage("Riverside Council", ("The first core group meeting is held within 10 working days.",), (0.9,))
    answer = writer.write(asked, [meeting])
    assert answer.hedged and answer.notes[0] == UNNAMED_NOTE.format(topic="the core group minutes")
    minutes = passage("Riverside Council", ("Core group minutes are circulated within 5 working days.",), (0.9,))
    assert not writer.write(asked, [minutes]).hedged


def test_a_who_answer_leads_with_the_quoted_sentence_saying_who_does_what_was_asked():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    asked = replace(
        query("who leads the family assessment programme?", "who"),
        term_weights=(("leads", 2.0), ("family", 1.0), ("assessment", 2.0), ("programme", 1.0)),
    )
    sentences = (
        "Staff development covers induction and the family assessment programme.",
        "The Principal Social Worker will lead and manage the family assessment work.",
    )
    found = passage("Riverside Council", sentences, (0.9, 0.8))
    assert "Principal Social Worker" in writer.write(asked, [found]).parts[0].lead
    # a sentence doing the action but about nothing asked does not lead instead
    elsewhere = ("Staff development covers induction and the family assessment programme.",
                 "The Principal Social Worker will lead the induction of new staff.")
    answer = writer.write(asked, [passage("Riverside Council", elsewhere, (0.9, 0.8))])
    assert "Principal Social Worker" not in answer.parts[0].lead


def test_a_timescale_answer_leads_with_the_quoted_sentence_that_names_the_thing_asked():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    asked = replace(
        query("what is the timescale for the family assessment?", "timescale"),
        term_weights=(("timescale", 1.0), ("family", 1.0), ("assessment", 2.0)),
    )
    # the best sentence times another step; a quoted one, referring back to the assessment, times it
    sentences = (
        "The findings must be ready earlier, as the conference is held within 15 working days.",
        "The family assessment starts at referral.",
        "It must be completed within 45 working days.",
    )
    found = passage("Riverside Council", sentences, (0.9, 0.6, 0.7), heading="Family assessment timescales")
    answer = writer.write(asked, [found])
    assert answer.parts[0].lead.startswith("It must be completed within 45 working days")
    assert not answer.hedged


def test_a_how_soon_answer_leads_with_a_quoted_duration_where_the_best_sentence_states_none():
    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    asked = replace(
        query("how quickly will they get back to me?", "timescale"),
        term_weights=(("quickly", 1.0), ("back", 1.0)),
    )
    sentences = ("Contact your local Early Help Team for a District Conversation.", "A manager will respond within 2 working days.")
    answer = writer.write(asked, [passage("Riverside Council", sentences, (0.9, 0.8))])
    assert answer.parts[0].lead.startswith("A manager will respond within 2 working days")
    # ...but not with one about another level of need than the one asked
    asked = replace(asked, text="level 4 concern - how quickly will they get back to me?")
    other_level = ("Level 4: make a Request for Support.", "At Level 2 a manager will respond within 2 working days.")
    answer = writer.write(asked, [passage("Riverside Council", other_level, (0.9, 0.8))])
    assert not answer.parts[0].lead.startswith("At Level 2")


def test_a_who_answer_is_flagged_when_any_council_shown_names_no_one():
    from assistant.write import NO_ROLE_NOTE

    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    asked = replace(
        query("who decides the outcome of an enquiry?", "who"),
        term_weights=(("decides", 2.0), ("outcome", 2.0), ("enquiry", 2.0)),
    )
    named = passage("Riverside Council", ("The Team Manager decides the outcome of an enquiry.",), (0.9,))
    nobody = passage("Hillford Council", ("The meeting decides whether an enquiry should start.",), (0.85,))
    answer = writer.write(asked, [named, nobody])
    assert len(answer.parts) == 2 and answer.hedged and answer.notes[0] == NO_ROLE_NOTE.format(whose=" for Hillford")


def test_a_new_question_in_a_conversation_says_when_its_councils_guidance_is_not_quoted():
    from dataclasses import replace

    from assistant.write import CONVERSATION_ELSEWHERE_NOTE

    writer = ExtractiveWriter(SIMILARITY_ONLY, DOORS)
    found = [passage("Riverside Council", ("Core groups meet within 10 working days of the conference.",), (0.9,))]
    asked = query("how often do core groups meet?")
    elsewhere = writer.write(replace(asked, conversation_council="Hillford Council"), found)
    assert not elsewhere.abstained and list(elsewhere.authorities) == ["Riverside Council"]
    note = CONVERSATION_ELSEWHERE_NOTE.format(council="Hillford")
    assert note in elsewhere.notes and note in elsewhere.text
    # its own council's guidance quoted, or no conversation: nothing to say
    for council in ("Riverside Council", ""):
        same = writer.write(replace(asked, conversation_council=council), found)
        assert not any("this conversation was about" in n for n in same.notes)
