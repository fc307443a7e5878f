"""A partner's "should I refer?": always a front door, never a refusal, never a guessed number."""

import pytest

from assistant.answerability import FEATURES, AnswerabilityModel
from assistant.query import Query, detect_intent
from assistant.referral import NO_CONTACTS, ROUTING_QUOTES, referral_answer
from assistant.safety import SAFETY_LINE
from assistant.types import Chunk, DocumentMeta, Passage
from assistant.write import ExtractiveWriter

MODEL = AnswerabilityModel(FEATURES, tuple(10.0 if f == "similarity" else 0.0 for f in FEATURES), -5.0, 0.5)
DOORS = {"Riverside Council": "the Riverside Children's Hub", "Hillford Council": "the Hillford Front Door"}
CONTACTS = {"Riverside Council": (("phone", "01234 567890"),), "Hillford Council": ()}


def passage(authority: str, sentence: str, similarity: float) -> Passage:
    meta = DocumentMeta(
        authority.lower().replace(" ", "-"), authority, "Thresholds", "threshold guide", "2024-01-01", "x"
    )
    chunk = Chunk(f"{meta.doc_id}:1", meta.doc_id, sentence, ("Referrals",), 0, 1, None, meta, (sentence,))
    return Passage(chunk, 1.0, dense_similarity=similarity, sentence_similarity=(similarity,))


def ask(text: str, authorities: tuple[str, ...] = ()) -> Query:
    return Query(text, text, (), authorities, authorities, detect_intent(text))


def partner(text: str, authorities: tuple[str, ...]) -> Query:
    """A question the service reads as a partner's (a worry about a child, or the partner page)."""
    return Query(text, text, (), authorities, authorities, "referral")


def test_partner_questions_are_read_as_referral_questions():
    for text in (
        "Should I refer?",
        "where do I send a referral in Riverside",
        "who do i contact about this",
        "I'm worried about a child in my class",
        "is this a referral?",
    ):
        assert detect_intent(text) == "referral", text
    assert detect_intent("How soon must a child be seen after a referral?") == "timescale"


def test_no_council_named_lists_every_front_door_and_quotes_nothing():
    writer = ExtractiveWriter(MODEL, DOORS, 2, CONTACTS)
    answer = referral_answer(
        writer,
        ask("Should I refer? A pupil has bruises."),
        [passage("Riverside Council", "Bruises are referred.", 0.9)],
    )
    assert not answer.abstained and not answer.citations and not answer.parts
    assert len(answer.front_doors) == 2 and "Which council" in answer.text
    assert "phone: 01234 567890" in answer.text  # recorded: shown exactly
    assert f"Hillford Front Door ({NO_CONTACTS})" in answer.text  # not recorded: said so, never guessed


def test_a_council_the_library_does_not_hold_is_named_with_its_own_front_door_first():
    from dataclasses import replace

    writer = ExtractiveWriter(MODEL, DOORS, 2, CONTACTS)
    asked = replace(ask("I'm a teacher in Leeds. Should I refer? A pupil has bruises."), other_councils=("Leeds",))
    answer = referral_answer(writer, asked, [passage("Riverside Council", "Bruises are referred.", 0.9)])
    assert not answer.abstained and not answer.citations and answer.not_covered == ("Leeds",)
    assert answer.text.startswith(
        "This library holds no guidance from Leeds. Contact Leeds's children's services front door: this library "
        "records no contact details for it"
    )
    assert "Which council" not in answer.text  # it was named
    assert len(answer.front_doors) == 2  # the library's doors still follow, for a child who lives there
    assert "If the child lives in one of the councils this library covers" in answer.text


def test_named_council_gets_its_door_and_only_guidance_that_answers():
    writer = ExtractiveWriter(MODEL, DOORS, 2, CONTACTS)
    on_topic = [passage("Riverside Council", "Bruising to a non-mobile baby is always referred to the Hub.", 0.8)]
    answer = referral_answer(writer, ask("should I refer bruising in Riverside?", ("Riverside Council",)), on_topic)
    assert answer.front_doors == ("Riverside: contact the Riverside Children's Hub (phone: 01234 567890).",)
    assert answer.citations and "Bruising to a non-mobile baby" in answer.text and "Hillford" not in answer.text
    off_topic = [passage("Riverside Council", "The council runs a fostering fair.", 0.3)]
    answer = referral_answer(writer, ask("should I refer bruising in Riverside?", ("Riverside Council",)), off_topic)
    assert not answer.abstained and not answer.citations and "fostering" not in answer.text
    assert "say nothing more specific" in answer.text


def test_danger_now_puts_999_first():
    writer = ExtractiveWriter(MODEL, DOORS, 2, CONTACTS)
    answer = referral_answer(writer, ask("who do I contact, he is hitting her right now", ("Hillford Council",)), [])
    assert answer.text.startswith(SAFETY_LINE) and answer.safety_notice == SAFETY_LINE


def routing_passage(authority: str, sentences: tuple[str, ...], similarities: tuple[float, ...]) -> Passage:
    """A passage as the routing search found it: each sentence ranked against its fixed question."""
    meta = DocumentMeta(
        authority.lower().replace(" ", "-"), authority, "Service", "service statement", "2024-01-01", "x"
    )
    text = " ".join(sentences)
    chunk = Chunk(f"{meta.doc_id}:{hash(text)}", meta.doc_id, text, ("Front door",), 0, 1, None, meta, sentences)
    return Passage(
        chunk,
        1.0,
        dense_similarity=max(similarities),
        sentence_similarity=similarities,
    )


def test_where_the_guidance_does_not_answer_the_concern_its_threshold_guidance_is_still_quoted():
    """Issue 9: after the front door, the council's threshold guidance, quoted and cited; nothing
    off-topic, and a count of referrals is not guidance."""
    writer = ExtractiveWriter(MODEL, DOORS, 2, CONTACTS)
    off_topic = [passage("Riverside Council", "The council runs a fostering fair.", 0.3)]
    routing = [
        routing_passage(
            "Riverside Council",
            (
                "The Hub gives advice to referrers whose concerns do not meet the threshold.",
                "The Hub received 4,210 contacts last year.",
                "Foster carers are paid weekly.",
            ),
            (0.45, 0.44, 0.43),
        )
    ]
    question = ask(
        "I'm a teacher in Riverside, a boy keeps coming in tired. Not sure, who do I ask?", ("Riverside Council",)
    )
    answer = referral_answer(writer, question, [*off_topic, *routing], routing)
    assert not answer.abstained
    assert answer.front_doors[0].startswith("Riverside: contact the Riverside Children's Hub")
    assert "advice to referrers whose concerns do not meet the threshold" in answer.text
    assert answer.citations and all(c.authority == "Riverside Council" for c in answer.citations)
    for unwanted in ("fostering fair", "4,210 contacts", "paid weekly"):
        assert unwanted not in answer.text


def test_guidance_on_the_kind_of_worry_described_comes_first():
    """A worry told by its signs (no food, dirty) is neglect: the council's sentence on neglect leads."""
    writer = ExtractiveWriter(MODEL, DOORS, 2, CONTACTS)
    routing = [
        routing_passage(
            "Riverside Council",
            (
                "All referrals are screened by the Hub on the day they arrive.",
                "Where neglect is a feature, practitioners use the Neglect Toolkit.",
            ),
            (0.50, 0.38),
        )
    ]
    question = ask(
        "teacher here: the girl in my class is always hungry and dirty, should I refer?", ("Riverside Council",)
    )
    answer = referral_answer(writer, question, routing, routing)
    assert answer.parts and answer.parts[0].lead.startswith("Where neglect is a feature")


def test_with_no_routing_guidance_the_partner_still_leaves_with_the_front_door():
    writer = ExtractiveWriter(MODEL, DOORS, 2, CONTACTS)
    question = ask(
        "GP in Hillford: a mum told me her partner hits her; the baby is 3 months. Who do I contact?",
        ("Hillford Council",),
    )
    answer = referral_answer(writer, question, [passage("Hillford Council", "Parking is free.", 0.2)], ())
    assert not answer.abstained and not answer.citations
    assert answer.front_doors == (f"Hillford: contact the Hillford Front Door ({NO_CONTACTS}).",)
    assert "say nothing more specific" in answer.text and "not refer" not in answer.text


def test_a_team_or_body_named_with_a_routing_word_is_not_routing_guidance():
    from assistant.referral import routes

    assert not routes("This sits within the Referral and Assessment structure but is offered to families.")
    assert not routes("A literature review was conducted by the Early Help Foundation.")
    assert routes("Referrals that do not meet the threshold are passed to early help.")
    assert not routes("The Hub received 1,200 contacts last year.")
    # A trend in a performance report is not how to refer either.
    assert not routes("Referrals remain high and increased last year by 10% so workloads rise.")
    assert not routes("The number of contacts rose sharply in 2018.")
    assert routes("All referrals made to the service come via the Safeguarding Hub for crisis response.")


def test_at_most_routing_quotes_sentences_are_quoted_for_a_council():
    writer = ExtractiveWriter(MODEL, DOORS, 3, CONTACTS)
    routing = [
        routing_passage(
            "Riverside Council",
            (
                "Referrals are screened by the Hub the same day.",
                "The Hub gives advice to referrers below the threshold.",
                "Early help is offered where the threshold is not met.",
            ),
            (0.45, 0.44, 0.43),
        )
    ]
    question = ask("nursery worker here, a toddler is often hungry, should I refer?", ("Riverside Council",))
    answer = referral_answer(writer, question, routing, routing)
    quoted = [answer.parts[0].lead, *(q.text for q in answer.parts[0].quotes)]
    assert sum(s in answer.text for s in ("screened", "advice to referrers", "Early help is offered")) == ROUTING_QUOTES, quoted


def test_a_child_in_danger_now_gets_no_quote_about_services_below_the_threshold():
    """After the 999 line, "early help for families not meeting the threshold" would read as advice
    to treat the danger as an early-help matter: such routing sentences are not quoted then."""
    writer, routing = _early_help_and("Urgent referrals go to the Hub, which starts a strategy discussion the same day.")
    danger = ask("teacher in Riverside: he is hitting her right now, who do I contact?", ("Riverside Council",))
    answer = referral_answer(writer, danger, routing, routing)
    assert answer.text.startswith(SAFETY_LINE)
    assert "Urgent referrals go to the Hub" in answer.text and "Early help" not in answer.text
    worry = ask("teacher in Riverside: a boy is often hungry, who do I contact?", ("Riverside Council",))
    assert "Early help is offered" in referral_answer(writer, worry, routing, routing).text


def test_signs_of_abuse_get_no_quote_about_services_below_the_threshold_but_neglect_does():
    writer, routing = _early_help_and("Referrals are screened by the Hub the same day.")
    bruises = ask("teacher in Riverside: a pupil has bruises and says dad hit him. Should I refer?", ("Riverside Council",))
    answer = referral_answer(writer, bruises, routing, routing)
    assert "Early help" not in answer.text and "screened by the Hub" in answer.text
    hungry = ask("teacher in Riverside: a pupil is always hungry and dirty. Should I refer?", ("Riverside Council",))
    assert "Early help is offered" in referral_answer(writer, hungry, routing, routing).text


def _early_help_and(other: str) -> tuple[ExtractiveWriter, list[Passage]]:
    """A writer and one council's routing passage: an early-help sentence ranked first, then `other`."""
    sentences = ("Early help is offered to families whose needs do not meet the threshold.", other)
    return ExtractiveWriter(MODEL, DOORS, 2, CONTACTS), [routing_passage("Riverside Council", sentences, (0.50, 0.45))]


def test_a_partner_answer_is_never_flagged_as_unsure_its_guidance_is_offered_to_check():
    from dataclasses import replace

    # the council's guidance falls in the writer's hedge band (probability 0.73 < 0.9) ...
    writer = ExtractiveWriter(replace(MODEL, hedge_threshold=0.9), DOORS, 2, CONTACTS)
    guidance = [passage("Riverside Council", "Bruising to a non-mobile baby is always referred to the Hub.", 0.6)]
    asked = ask("should I refer bruising in Riverside?", ("Riverside Council",))
    assert writer.write(asked, guidance).hedged
    # ... but a partner's answer leads with the front door and offers that guidance to check
    answer = referral_answer(writer, asked, guidance)
    assert not answer.hedged and answer.front_doors and "check it fits your concern" in answer.text


def test_a_sentence_under_a_heading_naming_the_worry_or_a_need_is_quoted():
    """'Child Sexual Exploitation' as the heading over 'a team based in the youth service works
    with…'; a disabled child's family gets the council's disabled children's services."""
    from dataclasses import replace as with_

    writer = ExtractiveWriter(MODEL, DOORS, 2, CONTACTS)
    screened = routing_passage("Riverside Council", ("All referrals are screened by the Hub on the day they arrive.",), (0.50,))
    team = routing_passage("Riverside Council", ("A team based in the youth service works with these young people.",), (0.30,))
    team = with_(team, chunk=with_(team.chunk, section_path=("Child Sexual Exploitation",)))
    question = ask(
        "youth worker: a 14 year old girl keeps going missing and comes back with gifts from older men, should I refer?",
        ("Riverside Council",),
    )
    answer = referral_answer(writer, question, [screened, team], [screened, team])
    assert any("youth service" in part.lead or "youth service" in " ".join(part.quotes) for part in answer.parts)
    short_breaks = routing_passage(
        "Riverside Council", ("Short Breaks give disabled children and their carers time apart.",), (0.30,)
    )
    tired = ask(
        "school nurse: mum of an 11 year old with severe autism says she can't cope any more, should I refer?",
        ("Riverside Council",),
    )
    assert "disabled child" in tired.concern_categories
    answer = referral_answer(writer, tired, [screened, short_breaks], [screened, short_breaks])
    assert "Short Breaks" in answer.text


def test_a_need_alone_is_no_worry_about_a_child():
    from assistant.query import describes_child_concern

    assert not describes_child_concern("my son's school says he may be autistic, what happens next?")


def test_a_worry_short_of_the_threshold_gets_the_councils_early_help_first():
    """"Not sure it meets the threshold, is there support for the family?" asks for help below the
    threshold: the council's sentence on early help leads, though a routing sentence ranks higher."""
    writer = ExtractiveWriter(MODEL, DOORS, 2, CONTACTS)
    sentences = (
        "Referrals are screened by the Hub the same day.",
        "The Family Hub offers targeted early help to families whose needs fall short of statutory intervention.",
    )
    routing = [routing_passage("Riverside Council", sentences, (0.50, 0.40))]
    short = ask("teacher in Riverside: mum is struggling since the split, not sure it meets the threshold. "
                "Is there any support for the family, or should I refer?", ("Riverside Council",))
    assert "support below the threshold" in short.concern_categories
    assert referral_answer(writer, short, routing, routing).parts[0].lead.startswith("The Family Hub offers")
    plain = ask("teacher in Riverside: mum is struggling since the split. Should I refer?", ("Riverside Council",))
    assert referral_answer(writer, plain, routing, routing).parts[0].lead.startswith("Referrals are screened")


def test_a_sentence_holding_a_routing_word_but_far_from_how_a_worry_is_routed_is_not_quoted():
    """"Designed in consultation with care leavers" holds a cue word; ranked against the routing
    question it is far off (below ROUTING_MIN_SIMILARITY), so the partner is told the guidance says
    nothing more specific rather than shown it."""
    from assistant.referral import ROUTING_MIN_SIMILARITY

    writer = ExtractiveWriter(MODEL, DOORS, 2, CONTACTS)
    far = ROUTING_MIN_SIMILARITY - 0.15
    routing = [
        routing_passage(
            "Riverside Council",
            ("A Care Leavers Local Offer has been designed in consultation with care leavers.",),
            (far,),
        )
    ]
    question = ask("childminder in Riverside, toddler often has bruises on his shins. should i report?",
                   ("Riverside Council",))
    answer = referral_answer(writer, question, routing, routing)
    assert "Care Leavers" not in answer.text and "say nothing more specific" in answer.text
    # the same sentence near the routing question is quoted
    near = [routing_passage("Riverside Council", ("Referrers can ask the Hub for consultation first.",), (0.5,))]
    assert "consultation first" in referral_answer(writer, question, near, near).text


def test_performance_data_and_another_services_intake_are_not_routing_guidance():
    from assistant.referral import BELOW_THRESHOLD, routes

    assert not routes("A large proportion of FGC referrals come from social workers within the Assessment Teams.")
    assert not routes("Families referred to The ARC by the Social Work team within Children's Services.")
    assert not routes("Summary: an assessment of data the volume of referrals and trends.")
    assert not routes("The increase in referrals is most likely to do with the following.")
    assert routes("New referrals go to the Hub, which decides on the day.")
    # a statement that concerns did not meet the threshold is never quoted after signs of abuse
    assert BELOW_THRESHOLD.search("the initial concerns are not deemed to meet statutory intervention")


def test_a_partners_quote_names_the_section_above_its_own_heading():
    from dataclasses import replace

    writer = ExtractiveWriter(MODEL, DOORS, 2, CONTACTS)
    found = passage("Riverside Council", "Bruising to a non-mobile baby is always referred to the Hub.", 0.8)
    chunk = replace(found.chunk, section_path=("Disabled Children's Service", "Process of work"))
    answer = referral_answer(
        writer, ask("should I refer bruising in Riverside?", ("Riverside Council",)), [replace(found, chunk=chunk)]
    )
    # "Process of work" alone names no service to a teacher; the heading above it does
    assert "Disabled Children's Service › Process of work: Bruising to a non-mobile baby" in answer.text


def test_a_partner_asking_what_happens_next_is_told_how_soon_the_council_acts():
    """Besides its best routing sentence, the council's own timescale for acting on a referral; not
    the timescale of a service for another kind of worry (a disabled children's team's 48 hours for
    a bruised boy)."""
    writer = ExtractiveWriter(MODEL, DOORS, 3, CONTACTS)
    routing = [
        routing_passage(
            "Riverside Council",
            (
                "The Hub gives advice to referrers about the threshold.",
                "All new referrals relating to disabled children will be responded to within 48 hours.",
                "All new referrals will be responded to within 24 hours.",
            ),
            (0.60, 0.58, 0.45),
        )
    ]
    told = "teacher in Riverside: a boy has bruises and says his stepdad hit him. should I refer and how quickly will they act?"
    asked = ask(told, ("Riverside Council",))
    assert asked.asks_what_next and asked.response_text
    answer = referral_answer(writer, asked, routing, routing)
    assert "advice to referrers" in answer.text and "within 24 hours" in answer.text
    assert "disabled children" not in answer.text
    # not asked what happens next: the routing sentence alone, as before
    plain = ask("teacher in Riverside: a boy has bruises and says his stepdad hit him. should I refer?", ("Riverside Council",))
    assert not plain.asks_what_next and not plain.response_text
    answer = referral_answer(writer, plain, routing, routing)
    assert "advice to referrers" in answer.text and "within 24 hours" not in answer.text


def test_a_child_in_danger_now_is_told_first_how_the_council_responds_at_once():
    writer = ExtractiveWriter(MODEL, DOORS, 3, CONTACTS)
    routing = [
        routing_passage(
            "Riverside Council",
            (
                "The Hub gives professional consultation to referrers on whether the threshold is met.",
                "The Hub provides an immediate response to referrals that meet the threshold.",
            ),
            (0.60, 0.52),
        )
    ]
    danger = ask("teacher in Riverside: he is hitting her right now, who do I contact?", ("Riverside Council",))
    answer = referral_answer(writer, danger, routing, routing)
    assert answer.text.startswith(SAFETY_LINE) and "immediate response" in answer.text
    assert "professional consultation" not in answer.text  # one routing quote: the immediate one
    worry = ask("teacher in Riverside: a pupil is often hungry, should I refer?", ("Riverside Council",))
    answer = referral_answer(writer, worry, routing, routing)
    assert "professional consultation" in answer.text and "immediate response" not in answer.text


def test_a_partner_is_given_no_phone_number_or_email_but_the_recorded_ones():
    """Asked for the Hub's number, a partner is never shown another number from the guidance (a
    report's contact officer) beneath "no phone number … is recorded"; the council's other words
    on the question still are."""
    writer = ExtractiveWriter(MODEL, DOORS, 2, CONTACTS)
    found = [
        passage(
            "Hillford Council",
            "Name of Contact Officer: Jo Bloggs, Director of Children's Services, 01642 527043, jo@hillford.gov.uk",
            0.9,
        ),
        passage("Hillford Council", "The Front Door takes all referrals and gives advice to referrers.", 0.8),
    ]
    question = ask("whats the phone number for the front door in Hillford?", ("Hillford Council",))
    answer = referral_answer(writer, question, found)
    assert answer.front_doors == (f"Hillford: contact the Hillford Front Door ({NO_CONTACTS}).",)
    assert "01642" not in answer.text and "@" not in answer.text
    assert "takes all referrals" in answer.text


@pytest.mark.parametrize(
    "told",
    [
        "GP in Riverside, if I refer today when does somebody speak to the family?",
        "DSL in Riverside, sent a referral this morning. how long before they decide if they're going to assess?",
        "teacher in Riverside: when do they actually see the child?",
        "nursery in Riverside - will a social worker ring us back?",
    ],
)
def test_a_partner_asking_when_the_council_acts_in_any_tense_is_told_how_soon(told):
    asked = partner(told, ("Riverside Council",))
    assert asked.asks_what_next and asked.response_text


def test_a_council_whose_guidance_answers_the_worry_is_quoted_on_how_soon_it_acts_too():
    """B&NES answered a GP's "when do they see the child?" with its remit and never its own 24
    hours: the response search's sentence is quoted for a council that answers the concern as for
    one that does not; another kind of worry's timescale is quoted for neither."""
    writer = ExtractiveWriter(MODEL, DOORS, 3, CONTACTS)
    found = [passage("Riverside Council", "The Hub receives all referrals about children from professionals.", 0.8)]
    response = [
        routing_passage(
            "Riverside Council",
            (
                "All new referrals relating to disabled children will be responded to within 48 hours.",
                "All new referrals will be responded to within 24 hours.",
            ),
            (0.60, 0.50),
        )
    ]
    asked = partner("GP in Riverside, if I refer a child today when does somebody see the child?", ("Riverside Council",))
    answer = referral_answer(writer, asked, [*found, *response], response)
    assert "receives all referrals" in answer.text and "within 24 hours" in answer.text
    assert "disabled children" not in answer.text


def test_a_count_of_referrals_about_the_worrys_kind_is_still_not_guidance():
    """A sentence naming the worry's kind is quoted without a routing word (_about); a count or
    trend of referrals is performance data all the same."""
    writer = ExtractiveWriter(MODEL, DOORS, 3, CONTACTS)
    routing = [
        routing_passage(
            "Riverside Council",
            (
                "Neglect work: the team has received 357 referrals relating to neglect.",
                "Drinking and neglect are linked, which increases referrals into the service.",
                "The Hub gives advice to referrers about neglect.",
            ),
            (0.70, 0.65, 0.50),
        )
    ]
    worry = ask("teacher in Riverside: a pupil is often hungry and dirty, should I refer?", ("Riverside Council",))
    assert "neglect" in worry.concern_categories
    answer = referral_answer(writer, worry, routing, routing)
    assert "advice to referrers" in answer.text
    assert "357" not in answer.text and "increases referrals" not in answer.text


def test_a_partner_asking_to_talk_it_through_is_shown_where_the_council_offers_consultation():
    """Beside the best routing sentence, one more offering consultation or advice to referrers (a
    service statement says it in several places); a partner who did not ask gets the routing one."""
    writer = ExtractiveWriter(MODEL, DOORS, 3, CONTACTS)
    routing = [
        routing_passage(
            "Riverside Council",
            (
                "The Hub decides which referrals meet the threshold for social care.",
                "All referrals are recorded on the case system by the Hub.",
                "Foster carers are offered therapeutic consultation and support.",
                "The Hub provides consultation to referring agencies where the threshold is not met.",
            ),
            (0.62, 0.60, 0.55, 0.50),
        )
    ]
    told = "GP in Riverside, mum is stressed. is there anyone I can talk it through with first?"
    asked = partner(told, ("Riverside Council",))
    assert asked.asks_advice and not asked.asks_what_next
    answer = referral_answer(writer, asked, routing, routing)
    assert "decides which referrals" in answer.text and "consultation to referring agencies" in answer.text
    assert "recorded on the case system" not in answer.text
    assert "Foster carers" not in answer.text  # consultation, but not for those who refer
    plain = partner("GP in Riverside, mum is stressed and shouting a lot. should I refer?", ("Riverside Council",))
    assert not plain.asks_advice
    answer = referral_answer(writer, plain, routing, routing)
    assert "decides which referrals" in answer.text and "consultation to referring agencies" not in answer.text
