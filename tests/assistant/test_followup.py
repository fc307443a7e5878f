"""Follow-ups read against the conversation; a question that stands alone is left alone."""

from assistant.followup import Turn, read_follow_up

BATH = "Bath and North East Somerset Council"
YORK = "City of York Council"
ALIASES = {"Bath": BATH, "B&NES": BATH, BATH: BATH, "York": YORK, "CYC": YORK, YORK: YORK,
           "Plymouth": "Plymouth City Council", "Torbay": "Torbay Council"}
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


def test_a_standalone_question_is_left_exactly_as_typed():
    for typed in ("Which York team does S47 enquiries?", "what is a child in need?",
                  "How many child protection placements are there in Torbay?"):
        assert read_follow_up(typed, [SEEN], ALIASES).text == typed
        assert not read_follow_up(typed, [SEEN], ALIASES).inherited
    assert read_follow_up("and in Plymouth?", [], ALIASES).text == "and in Plymouth?"  # nothing to follow


def test_a_tied_question_with_words_of_its_own_keeps_them_and_gains_the_council():
    earlier = Turn("Where are a child's needs first assessed in Bath?", (BATH,), "Contact, Referral and Assessment Service")
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
