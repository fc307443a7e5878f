"""The council named in a question chooses whose guidance is read; it is not what is asked about."""

from assistant.answerability import term_present
from assistant.query import Glossary, understand

ALIASES = {
    "York": "City of York Council",
    "Stockton": "Stockton-on-Tees Borough Council",
    "B&NES": "Bath and North East Somerset Council",
    "Bath and North East Somerset": "Bath and North East Somerset Council",
}


def read(question: str):
    return understand(question, Glossary({}), ALIASES)


def test_the_council_named_is_not_a_term_of_the_question():
    query = read("Who reviews child protection plans in York?")
    assert query.authorities == ("City of York Council",)
    assert "york" not in query.terms
    assert {"review", "protection", "plan"} <= set(query.terms)


def test_every_word_of_a_long_council_name_and_an_alias_with_an_ampersand_are_place_words():
    query = read("what is the front door in Bath and North East Somerset")
    assert not {"bath", "north", "east", "somerset"} & set(query.terms)
    assert "door" in query.terms
    assert "b&ne" not in read("whats the front door for new referrals in b&nes?").terms


def test_a_question_naming_no_council_keeps_all_its_words():
    query = read("who chairs the conference in the north of the county")
    assert query.place_terms == ()
    assert {"chair", "conference", "north", "county"} <= set(query.terms)


def test_a_word_split_from_its_family_by_the_light_stemmer_is_still_found():
    # stem("conferencing") is "conferenc", stem("conference") "conference": one word family.
    assert term_present("conference", {"family", "group", "conferenc"})
    assert term_present("phone", {"telephone"})
    # Short starts are not families: "plan" does not match "planet", "care" not "career".
    assert not term_present("plann", {"plan"})
    assert not term_present("career", {"care"})


def test_a_misspelt_question_word_is_repaired_so_the_question_keeps_its_intent():
    from assistant.query import detect_intent, repair_typos

    repaired, corrections = repair_typos("wich team in york does s47s", frozenset({"team", "york"}))
    assert repaired.startswith("which team") and ("wich", "which") in corrections
    assert detect_intent(repaired) == "who"
    assert repair_typos("wat is a LADO", frozenset({"lado"}))[0] == "what is a LADO"
    # A capitalised word after the start is probably a name, and is left alone.
    assert repair_typos("who is Mrs Howe", frozenset())[0] == "who is Mrs Howe"


def test_a_real_english_word_is_not_repaired_into_a_library_word():
    from assistant.query import repair_typos

    vocabulary = frozenset({"anne", "normal", "referral"})
    repaired, corrections = repair_typos("is anyone normally seen after a refferal", vocabulary)
    assert repaired == "is anyone normally seen after a referral"
    assert corrections == [("refferal", "referral")]


def test_a_glossary_short_form_matches_in_the_plural_and_an_everyday_word_only_in_capitals():
    glossary = Glossary(
        {
            "ICPC": ("initial child protection conference",),
            "S47": ("section 47 enquiry",),
            "SEND": ("special educational needs and disabilities",),
            "MASH": ("Multi-Agency Safeguarding Hub",),
        }
    )
    assert glossary.expand("who chairs ICPCs") == ["initial child protection conference"]
    assert glossary.expand("which team does s47s") == ["section 47 enquiry"]
    # "send" is an everyday word: the acronym is read only as typed in capitals.
    assert glossary.expand("where do i send a referral") == []
    assert glossary.expand("support for SEND") == ["special educational needs and disabilities"]
    # "mash" is not everyday English: typed in lower case it is still the MASH.
    assert glossary.expand("whats the mash") == ["Multi-Agency Safeguarding Hub"]


def test_a_spelt_out_form_names_its_entry_in_any_inflection():
    """'section 47 enquiries' is the S47 entry written 'section 47 enquiry': a council that
    writes 'S47 enquiries' answers it (the question was refused when the plural was missed)."""
    glossary = Glossary({"S47": ("section 47 enquiry", "section 47 investigation"), "S7": ("section 7 report",)})
    assert glossary.concepts("Who carries out section 47 enquiries?") == [
        ("S47", "section 47 enquiry", "section 47 investigation")
    ]
    assert glossary.expand("are section 7 reports written by the court team") == ["S7"]
    assert glossary.concepts("who holds section 47 powers") == []  # the entry's words, not just its number


DOORS = {"Stockton-on-Tees Borough Council": "the Children's Hub", "City of York Council": ""}


def test_a_front_door_question_also_searches_for_the_council_s_own_name_for_it():
    from assistant.answerability import own_coverage
    from assistant.query import content_terms, with_front_door_names

    query = with_front_door_names(read("Are other agencies based in the front door in stockton?"), DOORS)
    assert "Children's Hub" in query.search_text
    weights = tuple((t, 1.0) for t in query.terms)
    query = type(query)(**{**query.__dict__, "term_weights": weights})
    hub = set(content_terms("Police and health staff are based in the Children's Hub"))
    # The question's own terms: other, agency, based, front, door. "front door" is covered by the
    # council's own name for it; "other" and "agencies" still are not.
    assert own_coverage(query, hub) == 3 / 5
    assert own_coverage(type(query)(**{**query.__dict__, "concepts": ()}), hub) == 1 / 5


def test_the_front_door_name_is_added_only_where_the_curator_recorded_one_and_it_was_asked_about():
    from assistant.query import with_front_door_names

    asked_of_york = read("what is the front door in york")
    assert with_front_door_names(asked_of_york, DOORS) == asked_of_york  # no name recorded: unchanged
    no_door = read("who runs the children's hub in stockton")
    assert with_front_door_names(no_door, DOORS) == no_door  # the front door is not asked about
    named_already = read("is the children's hub the front door in stockton")
    assert with_front_door_names(named_already, DOORS) == named_already  # already typed


def test_a_council_s_possessive_typed_without_its_apostrophe_names_the_council():
    from assistant.query import detect_authorities, with_possessive_apostrophes

    aliases = {**ALIASES, "Bath": "Bath and North East Somerset Council", "Durham": "Durham"}
    fixed = with_possessive_apostrophes("whats yorks threshold for early help", aliases)
    assert fixed == "whats york's threshold for early help"
    assert detect_authorities(fixed, aliases) == ["City of York Council"]
    assert detect_authorities("whats yorks threshold for early help", aliases) == []  # as it was read before
    # a name with an "s" that is an English word ("baths") is left alone, and so is an acronym
    assert with_possessive_apostrophes("adapted baths in York", aliases) == "adapted baths in York"
    assert with_possessive_apostrophes("B&NESs rules", aliases) == "B&NESs rules"


def test_the_council_is_left_out_of_what_the_question_is_about_however_it_is_spelt():
    # the stems ("b&ne") do not match the words typed ("b&nes"): the topic is read without the
    # aliases themselves, so a check of whether a sentence names the topic does not look for "b&nes"
    from assistant.write import _topic_units

    for typed in ("B&NES", "b&nes", "Bath and North East Somerset"):
        query = read(f"who leads the ASYE programme in {typed}?")
        topic = _topic_units(query, entities=True)
        assert topic is not None and topic[0] == "the ASYE programme"
