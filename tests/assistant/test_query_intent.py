"""A partner's ask in other words is still read as a referral question (and so never refused);
a practitioner's question that only mentions a referral is not."""

import pytest

from assistant.query import detect_intent


@pytest.mark.parametrize(
    "question",
    [
        "Nursery manager here, do we need to make an early help referral or go straight to social care?",
        "the police want to know if children's services need a referral for the twins, and who to?",
        "could I get some advice before referring? the dad seems low and the house is chaotic",
        "what phone number do nurseries in Torbay ring about a worry?",
        "I want to talk it through with someone before making a referral",
    ],
)
def test_partner_asks_in_other_words_are_referral_questions(question):
    assert detect_intent(question) == "referral"


@pytest.mark.parametrize(
    "question",
    [
        "What number of referrals did York receive last year?",
        "what does the duty team do with a referral once it arrives?",
        "How long does the duty team have to respond to a new referral?",
        "Who decides whether a referral needs a strategy discussion?",
        # "children in need" is the statutory term: a count of its referrals needs no referral
        "How many new child in need referrals did Stockton get in 2017-18?",
        "do children in need referrals go to the hub?",
    ],
)
def test_practitioner_questions_about_referrals_are_not_partner_asks(question):
    assert detect_intent(question) != "referral"


@pytest.mark.parametrize(
    "question",
    [
        "A lad at our club turned up with a black eye and won't say how. Is this a safeguarding concern?",
        "dad was shouting and smelled of drink at pick-up. does this need to be reported?",
        "one of my patients says her ex still turns up at the house with the kids there, should social services know?",
        "a girl in my class keeps missing school and says she looks after her little brothers. what should I do?",
    ],
)
def test_asking_whether_a_worry_is_to_be_passed_on_is_a_referral_question(question):
    assert detect_intent(question) == "referral"


def test_a_practitioners_procedure_question_is_not_read_as_a_partners():
    assert detect_intent("Do I need to tell the parents before a strategy discussion in York?") != "referral"
    assert detect_intent("What should the team do when a child protection plan ends?") != "referral"


def test_a_reporting_deadline_question_is_not_a_partners_ask():
    question = "How long do I have to report an allegation against a foster carer to the LADO?"
    assert detect_intent(question) == "timescale"
    assert detect_intent("I'm not sure, do I need to report it?") == "referral"


@pytest.mark.parametrize(
    "question",
    [
        "I teach year 4 in York. One of my pupils has come in with a burn on her hand twice this month. Advice please",
        "hv in plymouth - 4 month old with a bruise on his ear, mum says the dog did it. next steps?",
        "Youth worker in Stockton: a 15 year old says she is staying with a 24 year old man she met online",
        "GP here. 12 yr old patient told me she's been sick on purpose for months and mum doesn't know",
        "dsl at a torbay primary: year 2 boy says mummy's boyfriend shuts him in his room without food",
        "police officer, attended a house in Bath, the 3 kids were in filthy nappies and there was no food, what now?",
        "a girl in my form has told me her brother hits her, is this serious enough to pass on?",
        "I'm a dentist in york, a 6 year old has 10 rotten teeth and mum has missed every appointment",
    ],
)
def test_a_worry_about_a_particular_child_from_someone_who_meets_them_is_a_referral_question(question):
    """No 'should I refer' in the words: who writes, which child, or 'what now?' says it."""
    assert detect_intent(question) == "referral"


@pytest.mark.parametrize(
    "question",
    [
        "dad's outside the nursery gates with a knife",
        "the 2 yr old is home alone, the neighbour says mum went out hours ago",
    ],
)
def test_a_child_in_danger_now_is_a_referral_question_even_with_no_ask(question):
    assert detect_intent(question) == "referral"


@pytest.mark.parametrize(
    "question",
    [
        "I'm a newly qualified social worker, how long do I have to complete an assessment?",
        "as the allocated social worker, what do I do if the parents refuse to let me see the child?",
        "What is a child in need plan and how often is it reviewed?",
        "when should a social worker visit a looked after child placed out of area?",
        "in our area can I still share information with social care if the parents refuse consent and I suspect significant harm?",
    ],
)
def test_a_practitioners_question_is_not_read_as_a_partners_worry(question):
    assert detect_intent(question) != "referral"


def test_a_misspelt_referral_is_still_a_referral_question():
    assert detect_intent("6 week old isnt gaining weight and the flat is damp. is this a referal?") == "referral"
    assert detect_intent("do i need to reffer this?") == "referral"


def test_a_partners_worry_is_searched_for_with_the_words_the_guidance_uses():
    """A worry is told by its signs; guidance is written by category and by how a worry is routed."""
    from dataclasses import replace

    from assistant.query import Glossary, understand

    worry = understand(
        "hv here, the flat is filthy and the baby has a bad nappy rash, should I refer?", Glossary({}), {}
    )
    assert worry.intent == "referral"
    assert "neglect" in worry.search_text and "threshold" in worry.search_text and "early help" in worry.search_text
    practitioner = understand("How long does a child protection plan last?", Glossary({}), {})
    assert practitioner.search_text == practitioner.normalised
    # set by the caller (the partner page): the same search
    assert "threshold" in replace(practitioner, intent="referral").search_text


@pytest.mark.parametrize(
    "question",
    [
        "Nursery nurse in Torbay: mum turned up drunk again at pick up, should the nursery do anything?",
        "what is the phone number for childrens services in plymouth?",
        "how do schools contact the front door in York?",
        "our pupil's dad turned up drunk, what should I do?",
        "Police attended a domestic in York last night, two children were present. What do we need to send?",
        "police officer: DA incident overnight in Plymouth, kids upstairs, does social care need to be told?",
    ],
)
def test_a_setting_asking_for_itself_or_for_the_route_in_is_a_referral_question(question):
    assert detect_intent(question) == "referral"


@pytest.mark.parametrize(
    "question",
    [
        "What should I do if mum refuses the assessment?",
        "what do we do when dad won't let the social worker in?",
        "Which team takes referrals for disabled children in Bath?",
        "How long do police have to share a domestic abuse notification with children's social care?",
        "Police powers of protection: how long can a child be kept?",
    ],
)
def test_a_supposed_family_or_a_which_team_question_stays_a_practitioners(question):
    assert detect_intent(question) != "referral"


def test_typo_search_by_length_finds_what_a_search_of_every_word_finds():
    """repair_typos only compares words whose length can reach difflib's 0.8 ratio: same matches."""
    import difflib
    import random

    from assistant.query import _near_in_length

    rng = random.Random(7)
    letters = "abcdefghijklmnoprstuvwy"
    vocabulary = frozenset("".join(rng.choice(letters) for _ in range(rng.randint(3, 14))) for _ in range(3000))
    for word in rng.sample(sorted(vocabulary), 200):
        typo = list(word)
        typo.insert(rng.randrange(len(typo) + 1), rng.choice(letters))  # one letter too many
        typo = "".join(typo)
        every = difflib.get_close_matches(typo, vocabulary, n=1, cutoff=0.8)
        assert difflib.get_close_matches(typo, _near_in_length(vocabulary, len(typo)), n=1, cutoff=0.8) == every


@pytest.mark.parametrize(
    "question",
    [
        "Dinner lady here. A year 3 girl hides food in her bag every day and looks very thin.",
        "Scout leader: a lad said his dad locks him in his room as a punishment for days. Anything I should be doing?",
        "A 14 year old patient told me she's sleeping at her 25 year old boyfriend's flat most nights. Is that abuse?",
        "Teaching assistant in York: a girl has been self-harming and says nobody at home cares. What is the procedure?",
        "Our childminder noticed bite marks on a toddler's arm. What's the process in Plymouth?",
    ],
)
def test_a_worry_told_by_someone_whatever_their_job_or_question_is_a_referral_question(question):
    """Who writes is said by a role word ("scout leader:", "X here"); what they ask may be "is that
    abuse?" or "what is the procedure?": the worry about a child is what makes it a partner's."""
    assert detect_intent(question) == "referral"


@pytest.mark.parametrize(
    "question",
    [
        "what's the email address for the Plymouth front door?",
        "Is there a number for the MASH in Torbay?",
        "where does a GP send safeguarding concerns in Bath?",
        "Which team do I phone about a child at risk in Plymouth?",
        "what's the out of hours number for social care in torbay",
        "Where should a nursery in Stockton send a concern about a child?",
    ],
)
def test_asking_for_the_way_in_is_a_referral_question(question):
    assert detect_intent(question) == "referral"


@pytest.mark.parametrize(
    "question",
    [
        "Bath: how long does an initial assessment take?",
        "Plymouth here, who chairs the ICPC?",
        "Team manager: how often is supervision?",
        "Social worker here - how long do I have for a core assessment?",
    ],
)
def test_a_practitioner_saying_who_they_are_is_not_read_as_a_partner(question):
    assert detect_intent(question) != "referral"


def test_an_allegation_against_staff_is_its_own_category_named_as_the_guidance_names_it():
    from assistant.query import category_pattern, concern_categories

    told = "a teacher at our school has been accused of hurting a pupil, who deals with that?"
    assert "allegations against staff" in concern_categories(told)
    assert category_pattern("allegations against staff").search("The LADO manages allegations against staff.")
    # a teacher reporting a parent's violence is not an allegation against the teacher
    assert "allegations against staff" not in concern_categories(
        "i'm a teacher in torbay. a pupil has just told me her stepdad is hitting her mum"
    )


@pytest.mark.parametrize(
    ("message", "told"),
    [
        ("School bus driver: a 7 year old regularly has no coat in winter and smells of urine", True),
        ("we run a toddler group; one mum seems high and her baby is left in a soiled nappy", True),
        ("my nephew's friend says his dad hits him", True),
        ("What support is there for children who go missing from care?", False),
        ("Can a dad get parental responsibility if he was not married to the mother?", False),
        ("my son's school says he may be autistic, can social care assess him?", False),
    ],
)
def test_a_childs_worry_is_told_by_someone_who_met_them_with_a_sign_of_harm(message, told):
    """What decides that a question the guidance does not answer is answered with the front door
    instead of refused (assistant.answering): a topic question is still refused."""
    from assistant.query import describes_child_concern

    assert describes_child_concern(message.lower()) is told


def test_a_worry_is_read_in_the_words_as_typed_as_well_as_repaired():
    """Typo repair turned "accused" (not in the library) into "accessed": the allegation was lost
    and a police officer's LADO question got only the front door."""
    from assistant.query import Query

    typed = "a youth worker has been accused of harming a child, who manages that?"
    query = Query(typed, typed.replace("accused", "accessed"), (), (), (), "referral")
    assert "allegations against staff" in query.concern_categories
    assert "allegations against staff" in query.search_text


def test_an_injury_a_doctor_sees_or_an_explanation_that_does_not_fit_is_a_sign_of_physical_abuse():
    from assistant.query import concern_categories

    for told in (
        "gp here, plymouth. toddler brought in with a spiral fracture, mum's explanation doesn't fit. who do i call?",
        "a baby with a broken arm and no story for it",
        "health visitor: scald marks on a 2 year old's hand",
        "the doctor thinks the injuries are non-accidental",
    ):
        assert "physical abuse" in concern_categories(told), told
    assert "physical abuse" not in concern_categories("the boiler is broken and the house is cold")


def test_the_names_a_question_asks_about_are_its_capitalised_runs_but_not_its_council_or_a_date():
    from assistant.query import Query

    def named(text: str) -> tuple[str, ...]:
        return Query(text, text, (), (), (), "general", place_terms=("bath", "north", "east", "somerset")).named_things

    assert named("What was the Joint Targeted Area Inspection in November 2017 focused on?") == (
        "joint targeted area inspection",
    )
    assert named("Where do Children in the Community teams sit?") == ("children in the community",)
    assert named("How soon in Bath and North East Somerset?") == ()
    assert named("What is a child in need?") == ()


@pytest.mark.parametrize(
    ("told", "category"),
    [
        ("we keep finding a 14 year old girl in cars with men in their 20s, she has a new phone", "exploitation"),
        ("i think he's being groomed by older boys for county lines", "exploitation"),
        ("a 16 year old says his mum has thrown him out and he's got nowhere to stay", "homeless"),
    ],
)
def test_exploitation_and_homelessness_are_categories_named_as_the_guidance_names_them(told, category):
    from assistant.query import category_pattern, concern_categories

    assert category in concern_categories(told)
    assert category_pattern(category).search("A worker for child sexual exploitation (CSE) and homeless young people")


def test_who_do_i_report_a_member_of_staff_to_is_a_partners_ask():
    from assistant.query import concern_categories

    assert detect_intent("Who do I report a member of staff to?") == "referral"
    told = "one of my staff was seen shaking a 2 year old by the arms. who do i report a member of staff to?"
    assert concern_categories(told) == ("allegations against staff",)
    assert "allegations against staff" not in concern_categories("our staff are worried about a child")


@pytest.mark.parametrize(
    "question",
    [
        "How many working days do we have to circulate the core group minutes?",
        "how far ahead of the review do parents get the report",
        "whats the latest the last core group can be held before the RCPC",
        "how much notice must a private foster carer give?",
        "what's the longest I can take before I see a child who has just been referred?",
    ],
)
def test_asking_for_a_count_of_days_how_far_ahead_or_the_latest_is_a_timescale_question(question):
    assert detect_intent(question) == "timescale"


def test_a_count_of_things_is_not_a_timescale_question():
    assert detect_intent("how many children are on plans in york") != "timescale"


def test_a_typo_repair_never_hides_what_the_question_asks_for():
    from assistant.query import Glossary, understand

    vocabulary = frozenset({"what", "the", "latest", "last", "core", "group", "can", "be", "held", "before", "review"})
    query = understand(
        "whats the latest the last core group can be held before the review?", Glossary({}), {}, vocabulary
    )
    assert ("whats", "what") in query.corrections  # repaired: "what the latest …" is no timescale pattern
    assert query.intent == "timescale"  # ...but the words as typed were one


@pytest.mark.parametrize(
    "question",
    [
        "police - Torbay - 3 kids home alone overnight, eldest 9. we've taken them to a neighbour. where does this go?",
        "teacher in york. a boy in my class says he is left alone every night. who do I send it to?",
        "nursery manager here: a toddler was collected by nobody and mum isn't answering. who do I call?",
    ],
)
def test_where_a_worry_goes_asked_in_the_writers_own_words_is_a_referral_question(question):
    assert detect_intent(question) == "referral"


@pytest.mark.parametrize(
    "question",
    ["how many children are there in york?", "where does the money for short breaks go in York?",
     "3 children were placed in care in Plymouth last year?"],
)
def test_counts_and_money_are_not_a_worry(question):
    assert detect_intent(question) != "referral"


def test_what_goes_into_a_referral_is_a_referral_question():
    assert detect_intent("What do I need to include in a referral in Torbay?") == "referral"


def test_how_often_is_a_timescale_question_asking_for_a_frequency():
    from assistant.timescales import FREQUENCY

    assert detect_intent("how often is a privately fostered child visited?") == "timescale"
    for frequent in ("at intervals of no more than six weeks", "at least once every ten working days", "monthly"):
        assert FREQUENCY.search(frequent), frequent
    for once in ("within seven working days", "every child is seen", "a 5 year plan"):
        assert not FREQUENCY.search(once), once


def test_a_question_about_money_is_told_from_one_about_notice_or_who_is_in_charge():
    from assistant.query import ASKS_ABOUT_MONEY

    for money in ("who pays for a wetroom?", "how much is the fostering allowance?", "what's the maximum fine?",
                  "is there a fee for a DBS check?", "who funds the service?"):
        assert ASKS_ABOUT_MONEY.search(money), money
    for other in ("how much notice do parents get?", "who is in charge of the MASH?", "is it fine to refer?"):
        assert not ASKS_ABOUT_MONEY.search(other), other


@pytest.mark.parametrize(
    ("told", "category", "read"),
    [
        ("no injuries and he seems otherwise well looked after", "physical abuse", False),
        ("there aren't any bruises that i can see", "physical abuse", False),
        ("i didnt see any marks", "physical abuse", False),
        ("he wants to go home, mum hit him", "physical abuse", True),
        ("no obvious marks or bruises on him", "physical abuse", False),
        ("he says his dad never hit him", "physical abuse", False),
        # a denial ends at its clause: what follows it is told, not denied
        ("i haven't seen any bruises but she says dad hit her", "physical abuse", True),
        ("no bruises, but he has a black eye", "physical abuse", True),
        ("he won't say who hit him", "physical abuse", True),
        # a sign made of a negative word is the sign itself
        ("there is no food in the house", "neglect", True),
        ("they are home alone with no adults", "neglect", True),
    ],
)
def test_a_sign_the_message_denies_is_no_sign_of_that_worry(told, category, read):
    from assistant.query import concern_categories, describes_child_concern

    assert (category in concern_categories(told, affirmed=True)) is read
    # whether a message tells of a worry at all still reads every sign: a partner is never
    # refused because they said what they had not seen
    assert category in concern_categories(told)
    assert describes_child_concern(f"i teach a 7 year old boy and {told}")


def test_a_partner_query_reads_only_the_signs_it_affirms():
    from assistant.query import Glossary, understand

    query = understand(
        "GP in Bath. Mum is stressed and shouting at him a lot. No injuries. Who can I talk it through with?",
        Glossary({}),
        {"bath": "Bath and North East Somerset Council"},
        set(),
    )
    assert "physical abuse" not in query.concern_categories
    assert "support below the threshold" in query.concern_categories


@pytest.mark.parametrize(
    "told",
    [
        "mum is asking us for help with parenting, is there something below social care we can get them?",
        "no safeguarding concerns as such, is there anything other than a social worker for this family?",
        "def not a CSC referral imo but i want something in place",
    ],
)
def test_a_partner_asking_for_help_short_of_social_care_is_read_as_such(told):
    from assistant.query import Query

    assert "support below the threshold" in Query(told, told, (), (), (), "referral").concern_categories

@pytest.mark.parametrize(
    "told",
    [
        "HV here. home conditions v poor (dog mess, nothing in the fridge), 9 mth old weight ok",
        "the house is a tip and the baby has missed imms twice",
    ],
)
def test_a_home_as_a_health_visitor_describes_it_is_a_sign_of_neglect(told):
    from assistant.query import concern_categories

    assert "neglect" in concern_categories(told.lower())


@pytest.mark.parametrize(
    "told",
    [
        "yr9 boy keeps going missing overnight, comes back with a 2nd phone nobody bought him",
        "15 yr old lad has money he cant account for and seems to be running drugs",
    ],
)
def test_going_missing_and_unexplained_goods_are_signs_of_exploitation(told):
    from assistant.query import concern_categories

    assert "exploitation" in concern_categories(told.lower())


def test_do_i_just_refer_is_a_partners_question_and_what_do_i_report_to_a_meeting_is_not():
    assert detect_intent("someone said I should do a graded care profile first, or do I just refer to the hub?") == "referral"
    assert detect_intent("what do I report to the conference?") != "referral"



@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("What does the strategy discussion need to decide and plan in Durham?", "general"),
        ("what does the officer have to do on the first visit?", "general"),
        ("what does a private foster carer have to tell the local authority?", "general"),
        # what something is, or what it does as a whole, is still asked as a definition
        ("what does the DCT do in B&NES?", "definition"),
        ("what does CIN stand for?", "definition"),
        ("What is private fostering?", "definition"),
    ],
)
def test_what_something_has_to_do_is_a_duty_asked_not_a_definition(question, intent):
    assert detect_intent(question) == intent


@pytest.mark.parametrize(
    "told",
    [
        "15 yr old lad is smoking a lot of weed and now ketamine",
        "mum drinks heavily most days and was drunk when i visited",
        "she came in smelling of cannabis again",
    ],
)
def test_drugs_and_drink_are_substance_misuse_named_as_the_guidance_names_it(told):
    from assistant.query import category_pattern, concern_categories

    assert "substance misuse" in concern_categories(told)
    assert category_pattern("substance misuse").search("Changing Lives programme in relation to substance misuse")
    assert category_pattern("substance misuse").search("a worker for drug and alcohol services")
    # denied, it is no sign: "no drugs in the house"
    assert "substance misuse" not in concern_categories("there are no drugs in the house", affirmed=True)


@pytest.mark.parametrize(
    "told",
    [
        # "GP," opening the message: the closing word boundary never held after the comma
        "GP, Plymouth. 13 y/o patient with repeated cutting to forearms and says she thinks about ending her life. "
        "Is there anything children's social care can do, or is this not a social care matter?",
        # a family at breaking point, told by a teacher named by their setting
        "Torbay special school teacher, parents of a non verbal 9 year old are exhausted, mum says they are at "
        "breaking point and might have to give him up. what help is available from torbay children's services?",
    ],
)
def test_a_partners_worry_told_in_their_own_words_is_a_partners_question(told):
    from assistant.query import describes_child_concern

    assert describes_child_concern(told.lower())


def test_the_referral_route_is_asked_for_as_the_way_in():
    assert detect_intent("hi, what is the referral route for children's safeguarding in torbay?") == "referral"
    assert detect_intent("whats the referral pathway in york") == "referral"
    assert detect_intent("how do i make a referral in york?") == "referral"
    # one service's own route is that service's guidance, not the front door
    assert detect_intent("What is the referral route into Family Solutions in Torbay?") != "referral"


@pytest.mark.parametrize(
    ("told", "found", "not_found"),
    [
        # read as no worry at all, so a family-crisis service was quoted after the front door
        (
            "a 15 year old boy told me a youth leader at his football club made him send naked pictures and then "
            "sexually assaulted him",
            {"sexual abuse", "allegations against staff"},
            set(),
        ),
        # "nobody sober to look after them" is no young carer; the assault on mum is domestic abuse
        (
            "dad is heavily intoxicated, has assaulted mum, and there is a 2 year old in the house with nobody "
            "sober to look after them",
            {"domestic abuse", "substance misuse"},
            {"young carer"},
        ),
        ("a 10 year old gets her brother ready for school every day and looks after dad", {"young carer"}, set()),
    ],
)
def test_a_worry_is_read_by_what_was_done_and_to_whom(told, found, not_found):
    from assistant.query import concern_categories

    read = set(concern_categories(told, affirmed=True))
    assert found <= read and not (not_found & read)


@pytest.mark.parametrize(
    "question",
    [
        "b&nes referral response time",
        "what is the response time for referrals in bath?",
        "time limit for an emergency protection order?",
        "what are the waiting times for a family group conference",
    ],
)
def test_a_time_named_by_what_it_is_the_time_of_asks_for_a_duration(question):
    # "what is the response time …" asks how long, not what something is: read as a timescale
    # question, its answer must state a duration or say it does not
    from assistant.query import ASKS_FOR_A_DURATION

    assert detect_intent(question) == "timescale" and ASKS_FOR_A_DURATION.search(question)
