"""The lead line: the words of the cited sentence that answer the question, never a paraphrase."""

from assistant.lead import answer_values, duration_span, lead_text, restates_question, short_authority, source_label
from assistant.types import DocumentMeta


def test_timescale_lead_is_the_duration_with_its_opener_and_event():
    sentence = "The child will be seen within a maximum of 5 working days and this will be recorded in Care First."
    assert lead_text("timescale", sentence) == "The child will be seen within a maximum of 5 working days"
    assert duration_span("A conference is held within 15 working days of the strategy discussion, or sooner.") == (
        "within 15 working days of the strategy discussion"
    )
    assert duration_span("No figure here.") == ""


def test_a_timescale_lead_says_what_the_duration_applies_to_from_its_own_clause():
    # A bare "Within 48 hours" reads as the answer to whatever was asked.
    sentence = (
        "All new referrals relating to disabled children and young people will be responded to within 48 hours "
        "during which contact will be made with the family."
    )
    assert lead_text("timescale", sentence) == (
        "All new referrals relating to disabled children and young people will be responded to within 48 hours"
    )  # not split at "and": "young people will be responded to" would be a different rule
    assert lead_text("timescale", "There are two time frames: 45 days from referral to complete the assessment") == (
        "45 days from referral to complete the assessment"
    )
    long_clause = " ".join(["word"] * 25) + " within 10 working days."
    assert lead_text("timescale", long_clause) == "… word word word word word word within 10 working days"


def test_who_lead_is_the_named_team_from_the_sentence_or_else_its_heading():
    assert lead_text("who", "Cases go to the Child in Need Teams after assessment.") == "Child in Need Teams"
    assert lead_text("who", "The service is case responsible.", ("7.3 Disabled Children's Team", "7.3.3 Process")) == (
        "Disabled Children's Team"
    )
    # A centre or a group is a service by another name.
    heading = ("What is provided and why?", "Assessment Resource Centre (The ARC)")
    assert lead_text("who", "To supervise all court directed contacts for children.", heading) == (
        "Assessment Resource Centre"
    )



def test_a_list_item_answering_who_is_led_by_the_team_its_introducing_line_names():
    # "Which service writes Section 7 reports?" is answered by an item of a service's list: the
    # lead is that service, not the item echoing the question.
    intro = "The Children in Need Service came into effect on 1st June 2014 and covers the following areas of work:"
    headings = ("What is provided and why?", "Children in Need")
    asked = "Which service writes Section 7 reports?"
    assert lead_text("who", "• Section 7 reports", headings, asked, intro) == "Children in Need Service"
    assert lead_text("who", "• Section 7 reports", headings, asked) == "Section 7 reports"  # no line: the item
    # The item's own team still comes first.
    assert lead_text("who", "• Referrals to the MASH", headings, asked, intro) == "MASH"

def test_every_lead_is_words_of_the_sentence_or_its_headings():
    sentences = [
        "Initial assessments will be completed within 10 working days and core assessments within a further 35.",
        "The Referral and Assessment Service will receive all contacts: determine those to be accepted.",
        "Children at Level 3 – Targeted need are referred to the Early Help Hub.",
    ]
    for intent in ("timescale", "who", "threshold", "definition", "general"):
        for sentence in sentences:
            lead = lead_text(intent, sentence)
            assert lead.lower() in sentence.lower(), (intent, lead)
    assert lead_text("general", sentences[1]) == sentences[1]  # nothing to extract: the sentence itself


def test_authority_and_source_named_once_in_short():
    assert short_authority("City of York Council") == "York"
    assert short_authority("Bath and North East Somerset Council") == "Bath and North East Somerset"
    assert short_authority("Stockton-on-Tees Borough Council") == "Stockton-on-Tees"
    meta = DocumentMeta("d", "Plymouth City Council", "Long title", "performance report", "2013-08-12", "f.txt")
    assert source_label(meta) == "Plymouth, performance report 2013"
    undated = DocumentMeta("d", "Torbay Council", "T", "service description", "undated", "f.txt", status="superseded")
    assert source_label(undated) == "Torbay, service description undated, SUPERSEDED"


def test_a_named_team_is_led_without_the_article_the_sentence_put_before_it():
    assert lead_text("who", "A Family Placement Team which will provide fostering and adoption.") == (
        "Family Placement Team"
    )
    assert lead_text("who", "The Referral and Assessment Service is the front door.") == (
        "Referral and Assessment Service"
    )


def test_a_duration_that_names_a_thing_keeps_its_noun_and_an_aside_closed_before_it_stays_in_the_clause():
    sentence = "Plans are made for all children in care (under section 20 or subject to Orders) at their 4 month review."
    assert lead_text("timescale", sentence) == sentence.rstrip(".")
    assert lead_text("timescale", "By having the 45 day assessment period, this allows more.") == (
        "By having the 45 day assessment period"
    )
    # An aside the duration sits in starts its own clause.
    assert lead_text("timescale", "Contacts are screened (within 24 hours of receipt) by the hub.") == (
        "Within 24 hours of receipt"
    )



def test_a_timescale_clause_never_reaches_back_into_the_sentence_before():
    # A quote that carries the sentence its "It …" refers to: the lead is the duration's own sentence.
    quoted = (
        "The council is developing a new single assessment framework based on best practice from the pilot "
        "authorities. It is likely to include an expectation that the child will be seen within 10 working days."
    )
    assert (
        lead_text("timescale", quoted)
        == "It is likely to include an expectation that the child will be seen within 10 working days"
    )


def test_a_when_did_question_is_led_by_the_clause_up_to_its_date():
    from assistant.answerability import answer_type_present
    from assistant.query import detect_intent

    assert detect_intent("When did Signs of Safety language start being used?") == "date"
    assert detect_intent("when was the FGC practitioner taken on") == "date"
    assert detect_intent("When is an initial conference held?") == "timescale"  # a rule, not a date
    sentence = "We employed a further FGC Practitioner in August, 2018, joining the four already in post."
    assert answer_type_present("date", sentence) and not answer_type_present("date", "We employed a practitioner.")
    assert lead_text("date", sentence) == "We employed a further FGC Practitioner in August, 2018"


def test_a_sentence_with_several_durations_leads_with_the_clause_about_the_question():
    sentence = (
        "The case holder stays until the initial case conference: for new care episodes until the 4 week "
        "review meeting: for core assessments within 35 working days of the strategy discussion."
    )

    def asked_about_core(clause: str) -> float:
        return 1.0 if "core" in clause else 0.0

    assert lead_text("timescale", sentence, about=asked_about_core) == (
        "For core assessments within 35 working days of the strategy discussion"
    )
    # nothing to tell them apart, or no question to weigh: the first, as before
    first = "For new care episodes until the 4 week review meeting"
    assert lead_text("timescale", sentence, about=lambda clause: 0.0) == first
    assert lead_text("timescale", sentence) == first


def test_a_who_lead_is_a_name_and_a_team_by_reference_is_its_headings():
    heading = ("What is provided and why?", "Intensive Family Support Service (IFSS)")
    asked = "which team does care proceedings in torbay?"
    # "The team provide … to the Safeguarding Hub": the team is the heading's, not the one named after it
    assert lead_text("who", "The team provide:- • Crisis response to the Safeguarding Hub", heading, asked) == (
        "Intensive Family Support Service"
    )
    # "The Team Manager" opens with "The Team", which names nothing: the heading's team instead
    placement = ("7.4 Family Placement Team", "7.4.3 Process of work")
    sentence = "The Team Manager will allocate cases for adoption support."
    assert lead_text("who", sentence, placement, "which team handles adoption?") == "Family Placement Team"
    # a sentence naming its own team keeps it
    assert lead_text("who", "The Referral Team will visit.", placement, "which team visits?") == "Referral Team"


def test_a_duration_tail_cut_at_a_new_clause_does_not_end_on_a_hanging_word():
    sentence = (
        "The findings must be ready earlier because the conference must take place within 15 working days "
        "of the strategy discussion at which it was agreed."
    )
    assert duration_span(sentence) == "within 15 working days of the strategy discussion"
    # a tail that ends on a word of substance is kept whole
    assert duration_span("Visits are made within 7 working days of the notification.") == (
        "within 7 working days of the notification"
    )


def test_a_who_lead_is_never_the_question_s_own_subject():
    asked = "who chairs the initial child protection conference?"
    intro = "The Safeguarding and Family Support Service covers the following areas of social work:"
    item = "• Transfer-In Initial Child Protection Conferences"
    # the conference asked about is no chair: the service the item's line names leads
    assert lead_text("who", item, (), asked, intro) == "Safeguarding and Family Support Service"
    assert answer_values("who", item, asked) == ()
    assert answer_values("who", item) == ("Transfer-In Initial Child Protection Conferences",)  # no question: as before
    # "who chairs" asks for a chair, which a role named Chair is; "which team" asks for a team
    assert not restates_question("Child Protection Conference Chair", "who chairs a child protection review conference?")
    assert not restates_question("Care Leavers Team", "which team supports care leavers?")
    assert restates_question("Social Worker", "once a plan is made, who is their social worker?")
    assert lead_text("who", "The Care Leavers Team supports young people.", (), "which team supports care leavers?") == (
        "Care Leavers Team"
    )


def test_a_plural_name_restates_the_question_s_singular_subject():
    # "Conferences" and "conference" stem apart ("conferenc", "conference"); one word all the same
    assert restates_question("Transfer-In Initial Child Protection Conferences", "who attends a child protection conference?")


def test_a_who_lead_is_the_agent_of_the_asked_action_named_after_by():
    managed = (
        "The Contact, Referral and Assessment Service will be provided by Qualified Social workers within the "
        "3 Duty Teams operating on a rota and managed by a Deputy Team Manager, who will allocate work."
    )
    # not the service the sentence opens with: the one "managed by" names
    assert lead_text("who", managed, (), "Who manages the duty teams in Bath?") == "Deputy Team Manager"
    chaired = "Review Conferences are chaired by an independent Child Protection Conference Chair."
    assert lead_text("who", chaired, (), "and who chairs the review conference?") == "Child Protection Conference Chair"
    # with no action asked, the sentence's own names lead as before
    assert lead_text("who", managed, (), "Which team is in charge of the duty rota?") == (
        "Contact, Referral and Assessment Service"
    )


def test_a_who_lead_names_the_one_doing_the_asked_action_not_the_first_role_in_the_sentence():
    from assistant.lead import who_named

    said = (
        "Working closely with Advanced Practitioners and the Workforce Development Unit the Principal "
        "Social Worker leads on the Assessed first Year in Employment."
    )
    assert who_named(said, (), "who leads the ASYE?") == "Principal Social Worker"
    assert who_named(said, (), "who works with the Workforce Development Unit?") == "Advanced Practitioners"
    # two roles joined by a slash are both named
    both = "The Team Manager/Deputy Manager will quality assure and sign off all assessments."
    assert who_named(both, (), "who quality assures the assessments?") == "Team Manager/Deputy Manager"


def test_an_adverb_after_who_is_not_the_action_asked():
    from assistant.lead import asked_action
    from assistant.topic import topic_of

    assert asked_action("who actually reviews the plan?") == "reviews"
    assert asked_action("who usually chairs the ICPC?") == "chairs"
    assert topic_of("who actually reviews the plan?").phrase == "the plan"
