"""Follow-ups read against the conversation; a question that stands alone is left alone."""

from assistant.followup import Turn, read_follow_up

BATH = "Bath and North East Somerset Council"
YORK = "City of York Council"
ALIASES = {
    "Bath": BATH,
    "B&NES": BATH,
    BATH: BATH,
    "York": YORK,
    "CYC": YORK,
    YORK: YORK,
    "Plymouth": "Plymouth City Council",
    "Torbay": "Torbay Council",
}
SEEN = Turn("How soon must a child be seen after a referral in Bath?", (BATH,))


def test_council_switch_keeps_the_topic():
    for typed in ("and in Plymouth?", "what about Torbay", "and for York"):
        reading = read_follow_up(typed, [SEEN], ALIASES)
        place = typed.split()[-1].strip("?")
        assert reading.inherited and reading.text == f"How soon must a child be seen after a referral in {place}?"


def test_elliptical_topic_replaces_the_phrase_with_the_same_head_and_keeps_the_council():
    earlier = Turn("How long does an initial assessment take in Bath?", (BATH,))
    reading = read_follow_up("and a core assessment?", [earlier], ALIASES)
    assert reading == read_follow_up("and a core assessment?", [earlier], ALIASES)
    assert reading.text == "How long does a core assessment take in Bath?" and reading.inherited


def test_reference_to_what_the_last_answer_named():
    earlier = Turn("Which York team finds placements?", (YORK,), "Placement Finding, Commissioning and Support Team")
    reading = read_follow_up("what else does that team do?", [earlier], ALIASES)
    assert reading.text == "What else does the Placement Finding, Commissioning and Support Team do in York?"
    # A lead that kept its article ("A Family Placement Team") is not read as "the A Family …".
    earlier = Turn("Which team runs fostering in York?", (YORK,), "A Family Placement Team")
    assert read_follow_up("what else does that team do?", [earlier], ALIASES).text == (
        "What else does the Family Placement Team do in York?"
    )


def test_a_contracted_question_word_is_read_as_the_word():
    """"where's that recorded?" was no question the reader knew: it stood alone and was refused."""
    reading = read_follow_up("where's that recorded?", [SEEN], ALIASES)
    assert reading.inherited and reading.text.endswith("recorded in Bath?")
    # a question in its own right keeps its contraction, exactly as typed
    assert read_follow_up("what's the ARC in Torbay?", [SEEN], ALIASES).text == "what's the ARC in Torbay?"


def test_a_new_question_naming_no_council_carries_the_conversations_council_as_context_only():
    """Left as typed and answered from whichever councils answer it; the council the conversation
    was about goes with it, for the answer to say when that council's guidance is not quoted."""
    reading = read_follow_up("how often do core groups meet?", [SEEN], ALIASES)
    assert (reading.text, reading.inherited) == ("how often do core groups meet?", False)
    assert reading.conversation_council == BATH
    assert not read_follow_up("How many child protection placements are there in Torbay?", [SEEN], ALIASES).conversation_council
    assert not read_follow_up("how often do core groups meet?", [], ALIASES).conversation_council


def test_a_standalone_question_is_left_exactly_as_typed():
    for typed in (
        "Which York team does S47 enquiries?",
        "what is a child in need?",
        "How many child protection placements are there in Torbay?",
    ):
        assert read_follow_up(typed, [SEEN], ALIASES).text == typed
        assert not read_follow_up(typed, [SEEN], ALIASES).inherited
    assert read_follow_up("and in Plymouth?", [], ALIASES).text == "and in Plymouth?"  # nothing to follow


def test_a_tied_question_with_words_of_its_own_keeps_them_and_gains_the_council():
    earlier = Turn(
        "Where are a child's needs first assessed in Bath?", (BATH,), "Contact, Referral and Assessment Service"
    )
    reading = read_follow_up("and where does the case go after a child protection plan starts?", [earlier], ALIASES)
    assert reading.text == "Where does the case go after a child protection plan starts in Bath?"
    there = read_follow_up("ok and what caseload should a social worker have there?", [SEEN], ALIASES)
    assert there.text == "What caseload should a social worker have in Bath?"


def test_a_condition_narrows_the_last_question():
    earlier = Turn("how long to finish a core assessment in Bath", (BATH,))
    reading = read_follow_up("what if it came from a section 47?", [earlier], ALIASES)
    assert reading.text == "how long to finish a core assessment if it came from a section 47 in Bath?"


def test_a_sentence_or_a_duration_is_never_put_in_place_of_a_reference():
    earlier = Turn("How long should care proceedings take in Bath?", (BATH,), "Within 26 weeks")
    reading = read_follow_up("and how long were they taking the year before?", [earlier], ALIASES)
    assert "Within 26 weeks" not in reading.text and reading.text.endswith("in Bath?")


# Pronoun and left-out subjects: the previous question's topic is put in their place, so the
# question read stands alone. Histories here are made up for the test, not taken from eval items.
LAC_REVIEW = Turn("What is a looked after child review in Torbay?", ("Torbay Council",))


def test_a_pronoun_subject_becomes_the_last_topic_and_keeps_the_council():
    reading = read_follow_up("how often does it happen?", [LAC_REVIEW], ALIASES)
    assert reading.text == "How often does a looked after child review happen in Torbay?"
    assert reading.inherited and reading.rule == "pronoun" and reading.topic == "a looked after child review"


def test_a_pronoun_object_and_a_left_out_object_become_the_last_topic():
    assert read_follow_up("and who chairs it?", [LAC_REVIEW], ALIASES).text == (
        "Who chairs a looked after child review in Torbay?"
    )
    assert read_follow_up("who attends?", [LAC_REVIEW], ALIASES).text == (
        "Who attends a looked after child review in Torbay?"
    )


def test_what_happens_next_asks_what_follows_the_last_topic():
    earlier = Turn("When is a strategy meeting held in York?", (YORK,))
    for typed in ("what happens next?", "and then what?", "What happens after that?"):
        assert read_follow_up(typed, [earlier], ALIASES).text == "What happens after a strategy meeting in York?"


def test_what_happens_next_after_something_done_to_people_asks_what_follows_it():
    assert read_follow_up("what happens after that?", [SEEN], ALIASES).text == (
        "What happens after a child is seen after a referral in Bath?"
    )
    told = Turn("When are parents told about the conference in York?", (YORK,))
    assert read_follow_up("what happens next?", [told], ALIASES).text == (
        "What happens after parents are told about the conference in York?"
    )


def test_the_verb_agrees_with_the_topic_put_in_place_of_they():
    earlier = Turn("What does the Leaving Care Team do in York?", (YORK,))
    reading = read_follow_up("how many young people do they support?", [earlier], ALIASES)
    assert reading.text == "How many young people does the Leaving Care Team support in York?"
    plural = Turn("How long do family group conferences last in Bath?", (BATH,))
    assert read_follow_up("who organises them?", [plural], ALIASES).text == (
        "Who organises family group conferences in Bath?"
    )


def test_that_team_after_a_which_team_question_is_the_team_it_asked_for():
    earlier = Turn("Which panel approves foster carers in Plymouth?", ("Plymouth City Council",))
    reading = read_follow_up("how often does that panel meet?", [earlier], ALIASES)
    assert reading.text == "How often does the panel that approves foster carers meet in Plymouth?"
    # ... unless the last answer named it: the name is what the next question means
    named = Turn(earlier.question, earlier.authorities, "Fostering Panel")
    assert read_follow_up("how often does that panel meet?", [named], ALIASES).text == (
        "How often does the Fostering Panel meet in Plymouth?"
    )


def test_a_council_switch_after_a_topic_keeps_the_topic():
    reading = read_follow_up("and in Plymouth?", [LAC_REVIEW], ALIASES)
    assert reading.text == "What is a looked after child review in Plymouth?" and reading.rule == "council"


def test_a_pronoun_with_its_own_antecedent_or_a_new_question_is_not_given_the_last_topic():
    own = read_follow_up("When is the first review held, and who chairs it?", [LAC_REVIEW], ALIASES)
    assert "looked after" not in own.text
    for typed in (
        "What is a core assessment?",
        "Who decides whether a case goes to the LADO in York?",
        "How long do social workers have before they must visit a child in Bath?",
    ):
        reading = read_follow_up(typed, [LAC_REVIEW], ALIASES)
        assert reading.text == typed and not reading.inherited and reading.rule == "standalone"


def test_a_pronoun_after_a_question_with_no_recognised_topic_is_left_to_the_other_rules():
    earlier = Turn("Bath?", (BATH,))
    reading = read_follow_up("how long does it take?", [earlier], ALIASES)
    assert reading.rule != "pronoun" and reading.text.endswith("in Bath?")


def test_is_it_the_same_in_another_council_is_a_council_switch():
    for typed in ("is it the same in York?", "and is that different for York?"):
        reading = read_follow_up(typed, [LAC_REVIEW], ALIASES)
        assert reading.text == "What is a looked after child review in York?" and reading.rule == "council"


def test_the_same_question_of_another_council_in_other_words_is_a_council_switch():
    for typed in ("what does Plymouth say?", "does Plymouth have the same rule?", "switching to Plymouth, same question",
                  "ok now Plymouth please"):
        reading = read_follow_up(typed, [SEEN], ALIASES)
        assert reading.inherited and reading.rule == "council", typed
        assert reading.text == "How soon must a child be seen after a referral in Plymouth?", typed
    # Asking how another council compares is asking it the same question (the answer on screen is
    # the one to compare with).
    for typed in ("does Plymouth do it quicker?", "how does that compare with Plymouth?", "is theirs the same in Plymouth?",
                  "is Plymouth any different?", "how is that done in Plymouth?"):
        reading = read_follow_up(typed, [SEEN], ALIASES)
        assert reading.rule == "council" and reading.text == "How soon must a child be seen after a referral in Plymouth?", typed
    # A word of its own is a topic of its own, not the same question.
    assert "neglect" in read_follow_up("what does Plymouth say about neglect?", [SEEN], ALIASES).text
    assert "threshold" in read_follow_up("is the threshold different in Plymouth?", [SEEN], ALIASES).text


def test_who_does_them_in_another_council_asks_for_the_team_again_not_about_it():
    s47 = Turn("Which team does section 47 enquiries in York?", (YORK,), "Referral and Assessment Social Work Teams")
    assert read_follow_up("who does them in Torbay?", [s47], ALIASES).text == "Who does section 47 enquiries in Torbay?"
    assert read_follow_up("and who handles them in Plymouth?", [s47], ALIASES).text == (
        "Who handles section 47 enquiries in Plymouth?"
    )
    # Not asking for the agent again: "they" are still the team the answer named.
    assert "Referral and Assessment Social Work Teams" in read_follow_up("what else do they do?", [s47], ALIASES).text


def test_a_new_subject_then_its_own_question_keeps_the_last_topic_in_brackets():
    fgc = Turn("who can ask for an FGC in Torbay - is it just social workers?", ("Torbay Council",))
    reading = read_follow_up("what about charities, can they refer?", [fgc], ALIASES)
    assert reading.text == "Can charities refer (an FGC) in Torbay?" and reading.inherited
    # A council alone is still a council switch.
    assert read_follow_up("what about York?", [fgc], ALIASES).rule == "council"


def test_they_stands_for_a_team_or_people_not_for_a_singular_thing():
    agreement = Turn("What is a section 20 agreement in Bath?", (BATH,))
    assert "agreement refuse" not in read_follow_up("can they refuse?", [agreement], ALIASES).text
    assert read_follow_up("can they refuse?", [agreement], ALIASES).rule != "pronoun"
    officer = Turn("What does the private fostering officer in York do?", (YORK,))
    assert read_follow_up("who do they report to?", [officer], ALIASES).text == (
        "Who does the private fostering officer report to in York?"
    )


def test_a_tied_follow_up_about_a_part_of_the_last_topic_carries_the_topic():
    """'the action notes' are the strategy discussions': the topic goes along, in brackets."""
    earlier = Turn("Who convenes strategy discussions about a possible section 47 in Bath?", (BATH,))
    reading = read_follow_up("and how quickly do the action notes have to go out?", [earlier], ALIASES)
    assert reading.rule == "bridge"
    assert reading.text == (
        "How quickly do the action notes have to go out (strategy discussions about a possible section 47) in Bath?"
    )


def test_no_bridge_to_a_standing_referent_a_new_thing_or_a_topic_already_named():
    earlier = Turn("How long does an initial assessment take in York?", (YORK,))
    for typed in (
        "and what does the duty team do with it after that?",  # the team: a standing referent
        "and how long does the core assessment take?",  # shares the topic's word: already about it
        "and how long does a strategy discussion take?",  # a new thing
    ):
        assert read_follow_up(typed, [earlier], ALIASES).rule != "bridge", typed
    # a topic of only standing words ("a child") is not worth carrying
    assert read_follow_up("and when do the action notes go out to the family?", [SEEN], ALIASES).rule != "bridge"


def test_a_question_is_never_put_in_place_of_the_last_topic():
    """'What is a who attends the meeting?' was the reading once: a question is not a noun phrase."""
    earlier = Turn("What is a strategy meeting in Bath?", (BATH,))
    reading = read_follow_up("and who attends the meeting?", [earlier], ALIASES)
    assert "a who attends" not in reading.text
    # Its own question, with "the meeting" read as the strategy meeting it follows.
    assert reading.text == "Who attends the strategy meeting in Bath?"


def test_a_tied_whole_question_keeps_its_own_words_and_gains_the_council():
    seen = Turn("How soon must a child be seen after a referral in Bath?", (BATH,))
    assert read_follow_up("and who does the assessment?", [seen], ALIASES).text == "Who does the assessment in Bath?"
    # ...not a group of children swapped in ("How soon must who sees the child be seen…").
    assert read_follow_up("and who sees the child?", [seen], ALIASES).text == "Who sees the child in Bath?"
    icpc = Turn("When is an initial child protection conference held in York?", (YORK,))
    assert read_follow_up("and who goes to the conference?", [icpc], ALIASES).text == (
        "Who goes to the initial child protection conference in York?"
    )
    # A question word with no verb of its own is still elliptical: the last question, narrowed.
    assessment = Turn("How long does an initial assessment take in York?", (YORK,))
    assert read_follow_up("and a core assessment?", [assessment], ALIASES).text == (
        "How long does a core assessment take in York?"
    )


def test_an_elliptical_topic_is_swapped_by_its_head_noun_before_any_qualifier():
    earlier = Turn("How long does an initial assessment take in York?", (YORK,))
    reading = read_follow_up("and an assessment of a carer?", [earlier], ALIASES)
    assert reading.text == "How long does an assessment of a carer take in York?"


def test_a_definition_follow_up_swaps_the_whole_topic():
    earlier = Turn("What is a family group conference in Torbay?", ("Torbay Council",))
    reading = read_follow_up("and a strategy discussion?", [earlier], ALIASES)
    assert reading.text == "What is a strategy discussion in Torbay?"
    # a subject is not a whole topic: "how soon must a child be seen" keeps its child
    assert "strategy discussion be seen" not in read_follow_up("and a strategy discussion?", [SEEN], ALIASES).text


def test_the_longest_opening_is_taken():
    earlier = Turn("What is an initial child protection conference in York?", (YORK,))
    reading = read_follow_up("and what about the ARC?", [earlier], ALIASES)
    assert "what about" not in reading.text.lower()


def test_what_happens_at_a_meeting_has_the_meeting_as_its_topic():
    from assistant.topic import topic_of

    assert topic_of("What happens at a strategy discussion?").phrase == "a strategy discussion"
    assert topic_of("what happens during an initial child protection conference").phrase == (
        "an initial child protection conference"
    )
    earlier = Turn("What happens at a strategy discussion in Bath?", (BATH,))
    assert read_follow_up("what happens next?", [earlier], ALIASES).text == (
        "What happens after a strategy discussion in Bath?"
    )


def test_them_after_a_contact_verb_is_the_service_asked_about():
    earlier = Turn("What is the MASH in Torbay?", ("Torbay Council",))
    assert read_follow_up("how do I contact them?", [earlier], ALIASES).text == "How do I contact the MASH in Torbay?"
    # ...but a singular thing is still not "they" who act (test_they_stands_for_a_team_or_people…)
    agreement = Turn("What is a section 20 agreement in Bath?", (BATH,))
    assert read_follow_up("can they refuse?", [agreement], ALIASES).rule != "pronoun"


def test_a_pronoun_after_a_preposition_inside_the_question_is_the_last_topic():
    earlier = Turn("What are the Children in the Community teams in Plymouth?", ("Plymouth City Council",))
    assert read_follow_up("how many of them are there?", [earlier], ALIASES).text == (
        "How many of the Children in the Community teams are in Plymouth?"
    )


def test_an_age_or_time_qualifier_narrows_the_last_question_instead_of_replacing_its_topic():
    earlier = Turn("Who supports disabled children in York?", (YORK,))
    for typed in ("and what about after 18?", "what about over 16s?"):
        reading = read_follow_up(typed, [earlier], ALIASES)
        qualifier = typed.split("about ")[1].rstrip("?")
        assert reading.text == f"Who supports disabled children {qualifier} in York?", typed


def test_a_new_object_for_a_which_team_question_replaces_the_old_one():
    earlier = Turn("Which team supports children in care in York?", (YORK,))
    assert read_follow_up("and for care leavers?", [earlier], ALIASES).text == (
        "Which team supports care leavers in York?"
    )


def test_a_council_that_is_the_subject_is_swapped_where_it_stands():
    earlier = Turn("Does Plymouth have a MASH?", ("Plymouth City Council",))
    assert read_follow_up("and Stockton?", [earlier], {**ALIASES, "Stockton": "Stockton"}).text == (
        "Does Stockton have a MASH?"
    )
    earlier = Turn("What is Plymouth's front door?", ("Plymouth City Council",))
    assert read_follow_up("and York?", [earlier], ALIASES).text == "What is York's front door?"
    # a council after "in" is still moved to the end as before
    assert read_follow_up("and in York?", [SEEN], ALIASES).text == (
        "How soon must a child be seen after a referral in York?"
    )


def test_one_stands_for_the_last_topic():
    earlier = Turn("What is the Assessment Resource Centre in Torbay?", ("Torbay Council",))
    assert read_follow_up("does York have one?", [earlier], ALIASES).text == (
        "Does York have an Assessment Resource Centre?"
    )
    assert read_follow_up("is there one in Plymouth?", [earlier], ALIASES).text == (
        "Is there an Assessment Resource Centre in Plymouth?"
    )
    # "one" before its noun is a number, not the topic
    assert read_follow_up("does it have one manager?", [earlier], ALIASES).text == (
        "Does the Assessment Resource Centre have one manager in Torbay?"
    )


def test_an_elliptical_topic_replaces_the_subject_of_any_question_when_that_subject_is_a_topic():
    earlier = Turn("When is the initial child protection conference held in Bath?", (BATH,))
    assert read_follow_up("and the review?", [earlier], ALIASES).text == "When is the review held in Bath?"
    # ...but never a standing referent ("a child" is no topic to replace)
    assert "strategy discussion be seen" not in read_follow_up("and a strategy discussion?", [SEEN], ALIASES).text


def test_a_bare_question_word_asks_the_last_question_that_way():
    held = Turn("When is the initial child protection conference held in Bath?", (BATH,))
    assert read_follow_up("how often?", [held], ALIASES).text == (
        "How often is the initial child protection conference held in Bath?"
    )
    reviews = Turn("Who reviews child protection plans in Bath?", (BATH,))
    assert read_follow_up("and how often?", [reviews], ALIASES).text == (
        "How often are child protection plans reviewed in Bath?"
    )
    chairs = Turn("Who chairs the initial conference in York?", (YORK,))
    assert read_follow_up("when?", [chairs], ALIASES).text == "When is the initial conference chaired in York?"
    completes = Turn("Who completes core assessments in Bath?", (BATH,))
    assert read_follow_up("how long?", [completes], ALIASES).text == "How long are core assessments completed in Bath?"
    # a question of another shape is left as it was
    assert not read_follow_up("how often?", [Turn("What is a core assessment?", ())], ALIASES).inherited


def test_after_that_asks_the_last_question_again_after_its_event():
    """'how often after that?' once the first review is due: the guidance says 'After that, …'."""
    first = Turn("When is the first review conference due after the initial conference in Bath?", (BATH,))
    expected = "How often is the first review conference due after the initial conference in Bath, after that?"
    assert read_follow_up("and how often after that?", [first], ALIASES).text == expected
    assert read_follow_up("after that, how often?", [first], ALIASES).text == expected
    meet = Turn("When must the first core group meet in York?", (YORK,))
    assert read_follow_up("and after that?", [meet], ALIASES).text == "When must the first core group meet in York, after that?"
    # "after" alone is no time after the event ("what about after school?" is a new topic)
    assert "after that" not in read_follow_up("what about after school?", [meet], ALIASES).text


def test_a_group_of_children_stands_where_the_last_question_named_its_child():
    seen = Turn("How soon must a child be seen after a referral in Bath?", (BATH,))
    assert read_follow_up("what about babies?", [seen], ALIASES).text == "How soon must babies be seen after a referral in Bath?"
    assert read_follow_up("and for disabled children?", [seen], ALIASES).text == (
        "How soon must disabled children be seen after a referral in Bath?"
    )
    visits = Turn("How often does the lead social worker visit a child on a child protection plan in York?", (YORK,))
    assert read_follow_up("and 16 year olds?", [visits], ALIASES).text == (
        "How often does the lead social worker visit 16 year olds on a child protection plan in York?"
    )
    # "child protection", "a child in need" and a status ("care leavers") are not the child
    plan = Turn("What is the threshold for a child protection plan in York?", (YORK,))
    assert "babies protection" not in read_follow_up("what about babies?", [plan], ALIASES).text
    team = Turn("Which team works with children in care in York?", (YORK,))
    assert read_follow_up("and care leavers?", [team], ALIASES).text == "Which team works with care leavers in York?"


def test_a_bare_noun_phrase_is_tied_to_the_last_question_but_an_acronym_alone_is_not():
    assessment = Turn("How long does an initial assessment take in York?", (YORK,))
    assert read_follow_up("a core assessment?", [assessment], ALIASES).text == (
        "How long does a core assessment take in York?"
    )
    assert not read_follow_up("LADO?", [assessment], ALIASES).inherited
    assert not read_follow_up("thanks", [assessment], ALIASES).inherited
    assert not read_follow_up("who chairs the ICPC?", [assessment], ALIASES).inherited


def test_who_decides_after_a_yes_no_question_asks_who_decides_whether():
    earlier = Turn("Can a case be stepped down to early help in Bath?", (BATH,))
    assert read_follow_up("who decides?", [earlier], ALIASES).text == (
        "Who decides whether a case can be stepped down to early help in Bath?"
    )


def test_who_decides_after_a_wh_question_asks_who_decides_that():
    torbay = "Torbay Council"
    earlier = Turn("How do families get into Family Solutions in Torbay?", (torbay,))
    assert read_follow_up("who decides?", [earlier], ALIASES).text == (
        "Who decides how families get into Family Solutions in Torbay?"
    )
    earlier = Turn("How does a family get a short break in York?", (YORK,))
    assert read_follow_up("and who decides?", [earlier], ALIASES).text == (
        "Who decides how a family gets a short break in York?"
    )
    earlier = Turn("When is the initial conference held in York?", (YORK,))
    assert read_follow_up("who decides?", [earlier], ALIASES).text == (
        "Who decides when the initial conference is held in York?"
    )
    # A verb that takes a thing, not a question, still takes the last topic.
    earlier = Turn("How often are core groups held in York?", (YORK,))
    assert read_follow_up("who attends?", [earlier], ALIASES).text == "Who attends core groups in York?"
    # "that" after a deciding verb is what was asked, not the last topic ("Who decides a child …?")
    assert read_follow_up("who decides that?", [SEEN], ALIASES).text == (
        "Who decides how soon a child must be seen after a referral in Bath?"
    )
    assert read_follow_up("and who agrees this?", [earlier], ALIASES).text == (
        "Who agrees how often core groups are held in York?"
    )
    # any other verb: "that" is still the last topic
    assert read_follow_up("who chairs that?", [earlier], ALIASES).text == "Who chairs core groups in York?"


def test_that_group_or_board_points_at_what_the_last_answer_named_as_that_team_does():
    earlier = Turn("Who deals with allegations against staff in York?", (YORK,), "Quality Assurance Group")
    assert read_follow_up("what else does that group do?", [earlier], ALIASES).text == (
        "What else does the Quality Assurance Group do in York?"
    )
    earlier = Turn("Who oversees safeguarding in York?", (YORK,), "Safeguarding Children Board")
    assert read_follow_up("how often does that board meet?", [earlier], ALIASES).text == (
        "How often does the Safeguarding Children Board meet in York?"
    )


def test_same_q_for_another_council_is_a_council_switch():
    assert read_follow_up("same q for York", [SEEN], ALIASES).text == (
        "How soon must a child be seen after a referral in York?"
    )


def test_a_council_typed_before_the_question_is_not_part_of_its_topic():
    from assistant.topic import topic_of

    topic = topic_of("york - which team has kids in care once there's a permanence plan?", ("york", "York"))
    assert topic is not None and topic.entity and topic.phrase == "the team that has kids in care once there's a permanence plan"


def test_when_was_that_after_a_yes_no_question_asks_when_it_was_so():
    earlier = Turn("did the stockton FGC team have to take on more staff?", ("Stockton",))
    aliases = {**ALIASES, "stockton": "Stockton"}
    assert read_follow_up("when was that", [earlier], aliases).text == (
        "When did the FGC team have to take on more staff in stockton?"
    )


def test_a_thing_a_council_is_said_to_have_is_the_topic_one_stands_for():
    earlier = Turn("york has an edge of care team doesnt it, what does it do?", (YORK,))
    assert read_follow_up("is there one in torbay?", [earlier], {**ALIASES, "torbay": "Torbay Council"}).text == (
        "Is there an edge of care team in torbay?"
    )


def test_they_after_a_who_question_is_whoever_does_it_not_what_they_do_it_to():
    earlier = Turn("who buys residential placements for individual kids in plymouth?", ("Plymouth City Council",))
    reading = read_follow_up("do they do that with other councils at all?", [earlier], {**ALIASES, "plymouth": "P"})
    assert reading.text.startswith("Does whoever buys residential placements for individual kids do that")


def test_the_subject_of_a_yes_no_question_is_its_topic():
    earlier = Turn("in stockton were the single assessments done in july 2018 appropriate referrals?", ("S",))
    reading = read_follow_up(
        "and what happened after, did most of them need ongoing social work?", [earlier], {"stockton": "S"}
    )
    assert "most of the single assessments need ongoing social work" in reading.text


def test_they_with_a_plural_noun_of_its_own_before_it_is_left_alone():
    earlier = Turn(
        "who can ask for an FGC in torbay - is it just social workers?", ("Torbay Council",), "Family Group Conference"
    )
    reading = read_follow_up("what about charities, can they refer?", [earlier], {"torbay": "Torbay Council"})
    assert "can charities refer" in reading.text.lower() and "Family Group Conference" not in reading.text
    from assistant.followup import _plural_before

    assert not _plural_before("and sometimes, can they refuse?", 20)
    # ...nor is "them" put in place of the last topic when a plural of its own comes before it
    teams = Turn("What are the Children in the Community teams in Plymouth?", ("Plymouth City Council",))
    reading = read_follow_up("what about carers, who supports them?", [teams], ALIASES)
    assert "supports the Children in the Community teams" not in reading.text


def test_a_councils_possessive_is_taken_out_whole():
    earlier = Turn("are police co-located with york's referral and assessment teams?", (YORK,))
    reading = read_follow_up("and anyone from health?", [earlier], {**ALIASES, "york": YORK})
    # York's own teams: its council stays where it stands
    assert "with's" not in reading.text and "with York's referral and assessment teams" in reading.text


def test_do_it_after_a_subject_is_a_verb_and_its_object_not_the_last_topic():
    earlier = Turn("banes - which team recruits and supports foster carers?", (BATH,))
    reading = read_follow_up("how does york do it? what support do carers get there", [earlier], ALIASES)
    assert "york does the team" not in reading.text.lower()


def test_a_condition_on_a_question_whose_council_is_its_subject_keeps_the_council_where_it_stands():
    earlier = Turn("does torbay take referrals for kids who've just moved into the area?", ("Torbay Council",))
    reading = read_follow_up("what if the family moves to scotland?", [earlier], {"torbay": "Torbay Council"})
    assert reading.text == "does torbay take referrals for kids who've just moved into the area if the family moves to scotland?"


def test_the_council_a_follow_up_inherits_is_the_one_asked_about_or_the_only_one_that_answered():
    from assistant.followup import turn_council
    from assistant.types import Answer, AuthorityAnswer

    def part(authority: str) -> AuthorityAnswer:
        return AuthorityAnswer(authority, "x", "lead", 1)

    # York asked about, York's documents do not say, Bath's guidance shown as a pointer: York.
    pointer = Answer("q", "t", True, parts=(part(BATH),), authority_filter=(YORK,), not_covered=(YORK,))
    assert turn_council(pointer) == (YORK,)
    assert turn_council(Answer("q", "t", False, parts=(part(YORK), part(YORK)))) == (YORK,)
    # Several councils, each for its own area: the next question is not about any one of them.
    assert turn_council(Answer("q", "t", False, parts=(part(YORK), part(BATH)))) == ()
    assert turn_council(Answer("q", "t", True)) == ()


def test_a_council_switch_then_a_question_of_its_own_asks_that_question_of_the_council():
    carers = Turn("banes - which team recruits and supports foster carers?", (BATH,), "Family Placement Team")
    reading = read_follow_up("how does york do it? what support do carers get there", [carers], ALIASES)
    assert reading.inherited and reading.text == "What support do carers get in york?"
    # "they" and "there" in it are the council's, not the last topic
    reading = read_follow_up("how does York do it? how quickly do they see the child there", [SEEN], ALIASES)
    assert reading.text == "How quickly do they see the child in York?"
    # not when the first question has words of its own, or the second none, or names its own council
    from assistant.followup import _switch_then_question

    for typed in ("what is the ARC in Torbay? what does it offer?", "and York? and Torbay?",
                  "how does York do it? what support do carers get in Torbay?", "what support do carers get there?"):
        assert _switch_then_question(typed, carers, ALIASES) == "", typed


def test_a_new_thing_then_a_wh_question_about_it_asks_that_question_of_the_thing():
    assert read_follow_up("and the assessment, how long is that?", [SEEN], ALIASES).text == (
        "How long is the assessment in Bath?"
    )
    core = Turn("How often are core groups held in York?", (YORK,))
    assert read_follow_up("what about the review conference, who chairs it?", [core], ALIASES).text == (
        "Who chairs the review conference in York?"
    )
    assert read_follow_up("and adoption - which team does that?", [core], ALIASES).text == "Which team does adoption in York?"
    # a council named first is not the thing asked about
    assert read_follow_up("and Torbay, how long is that?", [SEEN], ALIASES).rule != "topic"


def test_a_council_the_library_does_not_hold_is_switched_to_and_from_like_any_other():
    assert read_follow_up("and in Leeds?", [SEEN], ALIASES).text == "How soon must a child be seen after a referral in Leeds?"
    manchester = Turn("How soon must a child be seen after a referral in Manchester?", ("Manchester",))
    assert read_follow_up("and in York?", [manchester], ALIASES).text == (
        "How soon must a child be seen after a referral in York?"
    )
    assert read_follow_up("and who sees them?", [manchester], ALIASES).text == "Who sees a child in Manchester?"
    # named in a follow-up of its own words, it is a detail of the question: the council asked about carries over
    assert read_follow_up("and hospital referrals for kids who live in Wiltshire?", [SEEN], ALIASES).text == (
        "Hospital referrals for kids who live in Wiltshire in Bath?"
    )


def test_the_council_carried_after_an_answer_about_one_the_library_does_not_hold_is_that_council():
    from assistant.followup import turn_council
    from assistant.types import Answer

    answered_elsewhere = Answer(question="q", text="t", abstained=False, not_covered=("Leeds",))
    assert turn_council(answered_elsewhere) == ("Leeds",)  # not the library council quoted for its own area


def test_a_question_word_and_what_it_asks_for_is_asked_of_the_last_topic_in_its_council():
    team = Turn("What does the Disabled Children's Team in Bath do?", (BATH,))
    for typed, asked in (
        ("what age range?", "What age range"),
        ("up to what age?", "Up to what age"),
        ("and how many staff?", "How many staff"),
    ):
        reading = read_follow_up(typed, [team], ALIASES)
        assert reading.inherited and reading.text == f"{asked} for the Disabled Children's Team in Bath?"
    # another council named with it: the same fragment asked there
    assert read_follow_up("and in York, what age?", [team], ALIASES).text == (
        "What age for the Disabled Children's Team in York?"
    )
    # a verb or a pronoun makes a question of its own (other rules), a bare question word asks nothing
    for typed in ("what happened?", "what does the hub do?", "how many?", "what?"):
        assert not read_follow_up(typed, [team], ALIASES).text.endswith("for the Disabled Children's Team in Bath?")
    # with no topic in the last question there is nothing to ask it of: it is left as typed
    where = Turn("Where do I send a referral in Bath?", (BATH,))
    alone, first = read_follow_up("which team?", [where], ALIASES), read_follow_up("which team?", [], ALIASES)
    assert (alone.text, alone.inherited) == (first.text, first.inherited)


def test_a_pronoun_for_the_last_question_itself_with_another_council_asks_that_question_of_it():
    # "it"/"that" here is the rule asked about, not the child: not "How long is a child in York?"
    for typed in ("how long is it in York?", "and York, how long is that?", "does that apply in Torbay too?",
                  "is that the same in York?"):
        place = "Torbay" if "Torbay" in typed else "York"
        reading = read_follow_up(typed, [SEEN], ALIASES)
        assert reading.text == f"How soon must a child be seen after a referral in {place}?", typed
    # asked for another kind of answer, the pronoun is still the last topic
    core = Turn("What is a core assessment in Bath?", (BATH,))
    assert read_follow_up("how long is it in York?", [core], ALIASES).text == "How long is a core assessment in York?"
    # "who does it in Torbay?" after a who-question: the same question of Torbay, not "who does the chair"
    chair = Turn("Who chairs the initial child protection conference in Bath?", (BATH,), "Independent Reviewing Officer")
    assert read_follow_up("and in Torbay who does it?", [chair], ALIASES).text == (
        "Who chairs the initial child protection conference in Torbay?"
    )


def test_what_a_council_is_asked_to_have_is_the_topic_of_one_asked_of_another():
    mash = Turn("Does Plymouth have a MASH?", ("Plymouth City Council",))
    assert read_follow_up("does York have one?", [mash], ALIASES).text == "Does York have a MASH?"
    assert read_follow_up("what does it do?", [mash], ALIASES).text == "What does a MASH do in Plymouth?"


def test_two_councils_named_in_a_follow_up_are_both_asked_about():
    assert read_follow_up("and in York and Torbay?", [SEEN], ALIASES).text == (
        "How soon must a child be seen after a referral in York and Torbay?"
    )
    mash = Turn("Does Plymouth have a MASH?", ("Plymouth City Council",))
    assert read_follow_up("and York and Torbay?", [mash], ALIASES).text == "Do York and Torbay have a MASH?"


def test_them_to_contact_is_whoever_the_last_answer_named():
    lado = Turn("Who deals with allegations against staff in York?", (YORK,), "Local Authority Designated Officer")
    assert read_follow_up("how do I contact them?", [lado], ALIASES).text == (
        "How do I contact the Local Authority Designated Officer in York?"
    )


def test_their_and_its_are_the_last_topics_own():
    team = Turn("What does the Family Placement Team do in Bath?", (BATH,))
    assert read_follow_up("how big are their caseloads?", [team], ALIASES).text == (
        "How big are the Family Placement Team's caseloads in Bath?"
    )
    arc = Turn("What is the ARC in Torbay?", ("Torbay Council",))
    assert read_follow_up("what are its opening hours?", [arc], ALIASES).text == "What are the ARC's opening hours in Torbay?"
    # people's, not a thing's: "their rights" after a question about an agreement is not the agreement's
    agreement = Turn("What is a section 20 agreement in Bath?", (BATH,))
    assert "agreement's rights" not in read_follow_up("what are their rights?", [agreement], ALIASES).text


def test_another_team_named_in_a_follow_up_replaces_the_whole_name():
    team = Turn("What does the Family Placement Team do in Bath?", (BATH,))
    assert read_follow_up("and the adoption team?", [team], ALIASES).text == "What does the adoption team do in Bath?"
    assert read_follow_up("and the Disabled Children's Team?", [team], ALIASES).text == (
        "What does the Disabled Children's Team do in Bath?"
    )


def test_the_same_as_something_is_a_comparison_not_the_last_question_again():
    lado = Turn("Who deals with allegations against staff in York?", (YORK,), "Local Authority Designated Officer")
    assert "deals with as" not in read_follow_up("is that the same as the IRO?", [lado], ALIASES).text


def test_it_after_a_how_soon_question_about_a_child_is_the_child_being_seen_not_the_child():
    # SEEN: "How soon must a child be seen after a referral in Bath?"; "a child" is no topic to carry
    assert read_follow_up("where is it recorded?", [SEEN], ALIASES).text == (
        "Where is a child being seen after a referral recorded in Bath?"
    )
    assert read_follow_up("how is that recorded?", [SEEN], ALIASES).text == (
        "How is a child being seen after a referral recorded in Bath?"
    )
    assert read_follow_up("who does it?", [SEEN], ALIASES).text == "Who sees a child after a referral in Bath?"
    # a topic of substance is still what "it" stands for
    discussion = Turn("How quickly must a strategy discussion be held in Bath?", (BATH,))
    assert read_follow_up("who attends it?", [discussion], ALIASES).text == "Who attends a strategy discussion in Bath?"


def test_the_present_tense_of_a_participle():
    from assistant.followup import _active

    assert [_active(w) for w in ("seen", "completed", "reviewed", "notified", "recorded", "assessed", "agreed")] == [
        "sees", "completes", "reviews", "notifies", "records", "assesses", "agrees",
    ]


def test_an_attribute_asked_about_is_the_last_topics_not_a_topic_in_its_place():
    team = Turn("What does the Disabled Children's Team do in Bath?", (BATH,))
    assert read_follow_up("what about the age range?", [team], ALIASES).text == (
        "What is the age range for the Disabled Children's Team in Bath?"
    )
    assert read_follow_up("and the hours?", [team], ALIASES).text == (
        "What are the hours for the Disabled Children's Team in Bath?"
    )
    # another team is still a topic in the last one's place
    assert read_follow_up("what about the adoption team?", [team], ALIASES).text == "What does the adoption team do in Bath?"


def test_one_something_similar_and_them_stand_for_the_last_topics_kind():
    fgc = Turn("What is a family group conference in Torbay?", ("Torbay Council",))
    assert read_follow_up("who can ask for one?", [fgc], ALIASES).text == (
        "Who can ask for a family group conference in Torbay?"
    )
    assert read_follow_up("does York offer them?", [fgc], ALIASES).text == "Does York offer family group conferences?"
    assert read_follow_up("how many are there?", [fgc], ALIASES).text == (
        "How many family group conferences are there in Torbay?"
    )
    pathway = Turn("What is the Pathway Service in York?", (YORK,))
    assert read_follow_up("does Bath have something similar?", [pathway], ALIASES).text == (
        "Does Bath have a Pathway Service?"
    )
    assert read_follow_up("who is eligible?", [pathway], ALIASES).text == "Who is eligible for the Pathway Service in York?"
    # people, not the thing: "can they refuse?" after an agreement is not the agreements refusing
    agreement = Turn("What is a section 20 agreement in Bath?", (BATH,))
    assert "agreements refuse" not in read_follow_up("can they refuse?", [agreement], ALIASES).text


def test_how_many_are_there_counts_what_the_last_answer_named():
    teams = Turn("Which team does section 47 enquiries in York?", (YORK,), "Referral and Assessment Social Work Teams")
    assert read_follow_up("how many are there?", [teams], ALIASES).text == (
        "How many Referral and Assessment Social Work Teams are there in York?"
    )


def test_a_definite_phrase_about_the_last_questions_thing_keeps_its_council():
    reviews = Turn("How often are child protection plans reviewed in Bath?", (BATH,))
    assert read_follow_up("who chairs the review?", [reviews], ALIASES).text == "Who chairs the review in Bath?"
    meeting = Turn("What happens at a strategy meeting in Bath?", (BATH,))
    assert read_follow_up("who chairs the meeting?", [meeting], ALIASES).text == "Who chairs the strategy meeting in Bath?"
    # a definite phrase about something else is a new question
    assert read_follow_up("what does the ARC offer?", [reviews], ALIASES).inherited is False


def test_a_short_question_about_the_something_goes_with_the_last_topic_and_its_council():
    discussion = Turn("How soon must a strategy discussion be held in Bath?", (BATH,))
    assert read_follow_up("who gets the notes?", [discussion], ALIASES).text == (
        "Who gets the notes (a strategy discussion) in Bath?"
    )
    # "I" is no name of a thing of its own
    assert read_follow_up("where do I send the notes?", [discussion], ALIASES).text == (
        "Where do I send the notes (a strategy discussion) in Bath?"
    )
    assert read_follow_up("who do I send the notes to?", [discussion], ALIASES).text == (
        "Who do I send the notes to (a strategy discussion) in Bath?"
    )
    # a name or a longer question of its own is a new question
    assert not read_follow_up("what does the ARC do?", [discussion], ALIASES).inherited
    assert not read_follow_up("how many families a week does the team work with in practice?", [discussion],
                              ALIASES).inherited


def test_who_is_told_asks_of_what_the_last_question_was_about():
    ends = Turn("When does a child protection plan end in Bath?", (BATH,))
    assert read_follow_up("who needs to be told?", [ends], ALIASES).text == (
        "Who needs to be told when a child protection plan ends in Bath?"
    )


def test_theirs_after_what_a_council_has_is_that_thing_of_the_council_named_now():
    rise = Turn("stockton's CIN referrals went up in the first half of 2018-19 didnt they? by how much",
                ("Stockton-on-Tees Borough Council",))
    aliases = {**ALIASES, "stockton": "Stockton-on-Tees Borough Council"}
    assert read_follow_up("ok switching to Plymouth - have theirs gone up?", [rise], aliases).text == (
        "Have Plymouth's CIN referrals gone up?"
    )
    assert read_follow_up("have York's gone up?", [rise], aliases).text == "Have York's CIN referrals gone up?"


def test_a_partners_short_follow_up_is_about_the_same_child_and_council():
    worry = Turn("I'm a teacher in Torbay, a pupil has bruises and says dad hit her. Where do I send this?",
                 ("Torbay Council",))
    assert read_follow_up("what do I need to include?", [worry], ALIASES).text == (
        "What do I need to include in a referral in Torbay?"
    )
    assert read_follow_up("should I tell the parents first?", [worry], ALIASES).text == (
        "Should I tell the parents first in Torbay?"
    )
    # a practitioner's question after a practitioner's question is not carried this way
    assert not read_follow_up("should I tell the parents first?", [SEEN], ALIASES).inherited


def test_a_partners_follow_up_is_read_as_a_partners_question():
    worry = Turn("I'm a teacher in Torbay, a pupil has bruises and says dad hit her. Where do I send this?",
                 ("Torbay Council",))
    assert read_follow_up("should I tell the parents first?", [worry], ALIASES).rule == "partner"


def test_it_after_a_who_question_is_the_thing_asked_about_and_they_the_body_named():
    # "who chairs the conference?" answered by a team: "it" is still the conference ("must the
    # Safeguarding and Family Support Service happen" had been asked), "they" the team.
    earlier = Turn(
        "who chairs the initial child protection conference in Torbay?",
        ("Torbay Council",),
        "Safeguarding and Family Support Service",
    )
    it = read_follow_up("how soon after the strategy discussion must it happen?", [earlier], ALIASES)
    assert it.text == "How soon after the strategy discussion must the initial child protection conference happen in Torbay?"
    they = read_follow_up("what else do they do?", [earlier], ALIASES)
    assert they.text == "What else does the Safeguarding and Family Support Service do in Torbay?"
    # "which team …?" describes the body named, so there "it" is that body
    team = Turn("Which team runs fostering in York?", (YORK,), "Family Placement Team")
    assert "Family Placement Team" in read_follow_up("how many social workers does it have now?", [team], ALIASES).text


def test_who_is_done_to_the_last_topic_asks_it_of_that_topic():
    # "who should be invited?" had been read as a question of its own, with nothing to ask it of
    earlier = Turn("What happens at a strategy discussion in Bath?", (BATH,))
    for typed, read in (
        ("who should be invited?", "Who should be invited to a strategy discussion in Bath?"),
        ("who gets invited?", "Who gets invited to a strategy discussion in Bath?"),
        ("who must be told?", "Who must be told about a strategy discussion in Bath?"),
        ("and who needs to be informed?", "Who needs to be informed about a strategy discussion in Bath?"),
    ):
        assert read_follow_up(typed, [earlier], ALIASES).text == read


def test_a_pronoun_after_a_how_many_question_is_the_thing_counted_in():
    # "who manages them?" had been read "How many social workers are in the family placement team:
    # who manages them in Bath?"
    counted = Turn("How many social workers are in the family placement team in Bath?", (BATH,))
    assert read_follow_up("who manages them?", [counted], ALIASES).text == (
        "Who manages the family placement team in Bath?"
    )


def test_a_refused_question_asked_of_no_council_keeps_the_conversations_council():
    refused = Turn("who pays for the taxi?", (), "", answered=False)
    reading = read_follow_up("and who chairs the initial conference?", [SEEN, refused], ALIASES)
    # Bath is still the council asked about, and the refused turn's topic (the taxi) is not
    # taken as the thing the conference belongs to
    assert reading.text == "Who chairs the initial conference in Bath?"
    # an elliptical follow-up still swaps its topic into the refused question, now in Bath
    assert read_follow_up("what about the bus?", [SEEN, refused], ALIASES).text == "who pays for the bus in Bath?"
    # an answered turn of no council (several councils answered, each for its own area) ends it
    answered = Turn("who pays for the taxi?", (), "", answered=True)
    assert "Bath" not in read_follow_up("and who chairs the initial conference?", [SEEN, answered], ALIASES).text
    # a refused question that named a council is that council's
    refused_in_york = Turn("who pays for the taxi in York?", (YORK,), "", answered=False)
    assert "York" in read_follow_up("and who chairs the initial conference?", [SEEN, refused_in_york], ALIASES).text


def test_who_has_to_be_there_asks_who_attends_the_last_topic():
    strategy = Turn("How soon must a strategy discussion be held in Bath?", (BATH,))
    # "there" is the event, not the council: it had been read as the last question again
    assert read_follow_up("who has to be there?", [strategy], ALIASES).text == (
        "Who has to be at a strategy discussion in Bath?"
    )
    assert read_follow_up("who should be present?", [strategy], ALIASES).text == (
        "Who should be at a strategy discussion in Bath?"
    )
    # an obligation asked with a bare verb is the bare verb's question ("who attends?")
    assert read_follow_up("who has to attend?", [strategy], ALIASES).text == (
        "Who has to attend a strategy discussion in Bath?"
    )
    # "the same there" is still the council's
    assert read_follow_up("is it the same there?", [strategy], ALIASES).text == strategy.question


def test_it_after_when_is_a_noun_phrase_is_the_whole_phrase():
    review = Turn("When is the first review conference in Bath?", (BATH,))
    # "review" is a noun there, not the verb that ends the subject ("Who chairs the first in Bath?")
    assert read_follow_up("and who chairs it?", [review], ALIASES).text == (
        "Who chairs the first review conference in Bath?"
    )


def test_a_part_asked_after_a_stage_of_a_thing_belongs_to_the_thing():
    end = Turn("What happens at the end of a section 47 enquiry in Bath?", (BATH,))
    # "the assessment" is the enquiry's, not the end's
    assert read_follow_up("how long does the assessment take?", [end], ALIASES).text == (
        "How long does the assessment take (a section 47 enquiry) in Bath?"
    )
    strategy = Turn("How soon must a strategy discussion be held in Bath?", (BATH,))
    assert read_follow_up("who gets the notes?", [strategy], ALIASES).text == (
        "Who gets the notes (a strategy discussion) in Bath?"
    )


def test_an_earlier_question_that_opens_with_its_council_is_read_as_one_that_ends_with_it():
    opened = Turn("In Bath, how soon must a child be seen after a referral?", (BATH,))
    assert read_follow_up("and in York?", [opened], ALIASES).text == (
        "How soon must a child be seen after a referral in York?"
    )
    strategy = Turn("In York, how soon must a strategy discussion be held?", (YORK,))
    assert read_follow_up("what about the initial conference?", [strategy], ALIASES).text == (
        "How soon must the initial conference be held in York?"
    )
    # a lower-case question is read in its own case
    typed = Turn("how soon must a child be seen after a referral in Bath?", (BATH,))
    assert read_follow_up("and in York?", [typed], ALIASES).text.startswith("how soon must")
