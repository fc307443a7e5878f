"""The noun phrase a question is about, which a follow-up's pronoun stands for."""

from assistant.topic import Topic, noun_heads, topic_of

COUNCILS = ("Bath", "B&NES", "York", "Torbay", "Plymouth", "Stockton")


def _phrase(question: str) -> str | None:
    topic = topic_of(question, COUNCILS)
    return topic.phrase if topic else None


def test_definition_and_what_does_questions_are_about_their_subject():
    assert _phrase("What is a looked after child review in Torbay?") == "a looked after child review"
    assert _phrase("whats an ICPC?") == "an ICPC"
    assert _phrase("What does the Leaving Care Team in York provide?") == "the Leaving Care Team"
    assert _phrase("Is there a private fostering officer in York?") == "a private fostering officer"


def test_how_and_when_questions_are_about_the_subject_up_to_its_verb():
    assert _phrase("How long does a core assessment take in Bath?") == "a core assessment"
    assert _phrase("When is a strategy meeting held?") == "a strategy meeting"
    assert _phrase("How often must a qualified social worker be supervised?") == "a qualified social worker"
    assert _phrase("When are looked after reviews completed by the IRO?") == "looked after reviews"


def test_who_questions_are_about_what_is_done():
    assert _phrase("Who chairs the initial child protection conference in York?") == (
        "the initial child protection conference"
    )
    assert _phrase("Who deals with complaints about foster carers?") == "complaints about foster carers"


def test_which_team_questions_describe_the_answer_and_keep_a_council_that_is_the_subject():
    assert topic_of("Which panel approves foster carers in Plymouth?", COUNCILS) == Topic(
        "the panel that approves foster carers", True
    )
    assert topic_of("What assessment tool does Torbay use for neglect?", COUNCILS) == Topic(
        "the assessment tool Torbay uses for neglect", True
    )


def test_a_question_of_no_recognised_shape_has_no_topic():
    for question in ("Bath?", "what is it?", "In York, if the parents refuse, then?"):
        assert topic_of(question, COUNCILS) is None


def test_plural_is_read_from_the_head_noun():
    assert Topic("strategy discussions about a section 47").plural
    assert not Topic("the Intensive Family Support Service").plural
    assert not Topic("a core assessment process").plural


def test_the_councils_own_service_after_its_name_is_part_of_the_place():
    """'a CSE specialist in York CSC' is about the specialist, not 'a CSE specialist CSC'."""
    assert topic_of("is there a CSE specialist in york CSC?", ("York",)).phrase == "a CSE specialist"
    assert topic_of("who runs fostering in Plymouth children's services?", ("Plymouth",)).phrase == "fostering"


def test_who_is_done_to_a_thing_is_about_that_thing():
    # "who should be invited to a strategy discussion?" is about the discussion: its topic had been
    # "invited to a strategy discussion", and a later "how quickly … after it?" was read "after invited …"
    assert topic_of("Who should be invited to a strategy discussion in Durham?", ("Durham",)).phrase == (
        "a strategy discussion"
    )
    assert topic_of("who is responsible for the core group?", COUNCILS).phrase == "the core group"
    assert topic_of("who is the LADO?", COUNCILS).phrase == "the LADO"


def test_a_how_many_question_is_about_what_they_are_counted_in():
    assert topic_of("How many social workers are in the family placement team in York?", ("York",)).phrase == (
        "the family placement team"
    )
    assert topic_of("how many children are on child protection plans?", COUNCILS).phrase == "child protection plans"


def test_after_is_or_are_only_a_participle_ends_the_subject():
    # after "is"/"are" a base verb cannot follow the subject: "review", "visit" are nouns there
    assert _phrase("when is the first review conference in Bath?") == "the first review conference"
    assert _phrase("how long is a core assessment?") == "a core assessment"
    assert _phrase("when is the initial child protection conference held?") == "the initial child protection conference"
    assert _phrase("how often are children on plans seen?") == "children on plans"
    # after "does" the last word is still the verb
    assert _phrase("how long does an initial assessment take?") == "an initial assessment"


def test_a_phrasal_verbs_particle_is_not_part_of_the_thing_done():
    assert topic_of("Who carries out section 47 enquiries?", COUNCILS).phrase == "section 47 enquiries"
    assert topic_of("who signs off the child protection plan?", COUNCILS).phrase == "the child protection plan"
    assert topic_of("who follows up a referral in York?", COUNCILS).phrase == "a referral"


def test_what_we_have_to_do_is_about_what_it_is_done_to_not_about_us():
    assert topic_of("How many working days do we have to circulate the core group minutes after the meeting?") == (
        Topic("the core group minutes")
    )
    assert topic_of("How long have I got to complete the assessment after a referral comes in?") == Topic("the assessment")
    # a named subject is who the guidance says has to act: it stays the topic
    assert topic_of("how often does the lead sw need to visit a child on a cp plan?") == Topic("the lead sw")
    assert topic_of("how long does the duty team have to respond to a new referral?") == Topic("the duty team")


def test_who_is_responsible_for_something_is_about_that_thing_with_a_word_before_it_too():
    assert topic_of("who is case responsible for kids on CIN plans in york?", COUNCILS) == Topic("kids on CIN plans")
    assert topic_of("who is legally responsible for a looked after child?") == Topic("a looked after child")
    # not any word and preposition: "the chair of" is what is asked for
    assert topic_of("who is the chair of the conference?") == Topic("the chair of the conference")


def test_what_it_takes_time_to_do_is_what_is_timed():
    assert topic_of("how long does it take to complete an assessment?") == Topic("an assessment")
    # the council left out, "take" was all that was left: the note said it was not named
    assert topic_of("how long does Plymouth take to decide whether to assess?", COUNCILS) == Topic("assess")
    assert topic_of("How long does Plymouth allow to complete a single assessment?", COUNCILS) == (
        Topic("a single assessment")
    )
    # a named subject stays, as with "have to"; and "take" at the end is the verb
    assert topic_of("how long does the duty team take to respond to a new referral?") == Topic("the duty team")
    assert topic_of("how long does an assessment take?") == Topic("an assessment")


def test_the_timescale_for_something_is_about_that_thing():
    assert _phrase("whats the max timescale for completing the C&F assessment when s47 enquiries are running?") == (
        "the C&F assessment"
    )
    assert _phrase("what is the deadline for the ICPC in York?") == "the ICPC"


def test_the_step_a_time_is_counted_from_is_not_what_is_timed():
    assert _phrase("in York how soon after a core group meeting do the notes have to be circulated?") == "the notes"
    assert _phrase("how long after a referral must the child be seen?") == "the child"


def test_a_council_opening_the_question_is_no_part_of_its_shape():
    assert _phrase("In York, how soon must a strategy discussion be held?") == "a strategy discussion"
    assert _phrase("For Torbay: what is a family group conference?") == "a family group conference"


def test_what_goes_in_something_is_about_that_thing():
    assert _phrase("what goes in the Child Protection Conference Report for a review conference?") == (
        "the Child Protection Conference Report for a review conference"
    )


def test_a_topics_head_noun_is_what_it_names_not_the_words_that_run_on_after_it():
    assert noun_heads("the core group minutes") == ("minutes",)
    assert noun_heads("the social worker check in")[0] == "worker"
    assert noun_heads("a community based assessment usually used")[0] == "assessment"


def test_a_time_asked_for_is_no_part_of_the_thing_timed_and_a_search_box_phrase_has_a_topic():
    # the time noun is what is asked; the topic is what it is the time of
    assert topic_of("what are the initial assessment timescales?").phrase == "the initial assessment"
    assert topic_of("what is the expected timescale for completing care proceedings?").phrase == "care proceedings"
    # typed with no verb, as into a search box
    assert topic_of("plymouth care proceedings timescale?", ("plymouth",)).phrase == "care proceedings"
    assert topic_of("deadline for the single assessment").phrase == "the single assessment"
    assert topic_of("what is the timescale?") is None  # a time of nothing named
    # a message is not a search-box phrase, whatever time word it holds
    long = "parent keeps asking how long it will take. whats the timescale for finishing one? how many days"
    assert topic_of(long) is None


def test_a_search_box_phrase_with_its_question_word_last_is_read_in_question_order():
    assert topic_of("s47 outcome who decides").phrase == "s47 outcome"
    assert topic_of("court directed contact supervision who").phrase == "court directed contact supervision"
    assert topic_of("FGC team based where").phrase == "FGC team"
    # a sentence that only ends in a question word is not a search-box phrase
    assert topic_of("my pupil is scared of going home and I do not know who") is None


def test_without_the_parser_a_topic_has_no_head(monkeypatch):
    import assistant.topic as topic

    def missing():
        raise OSError("[E050] Can't find model")

    monkeypatch.setattr(topic, "_parser", missing)
    assert topic.noun_heads.__wrapped__("the core group minutes") == ()
