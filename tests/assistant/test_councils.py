"""Councils a question names that the library holds no guidance from (assistant.councils)."""

from assistant.councils import COUNCILS, councils_named

LIBRARY = {
    "Bath": "Bath and North East Somerset Council",
    "B&NES": "Bath and North East Somerset Council",
    "North East Somerset": "Bath and North East Somerset Council",
    "York": "City of York Council",
    "Stockton": "Stockton-on-Tees Borough Council",
    "Brighton and Hove": "Pan-Sussex Safeguarding Children Partnerships",
}


def test_every_childrens_services_authority_of_england_is_listed_once():
    names = [names[0] for names in COUNCILS]
    assert len(names) == 153 and len(set(names)) == 153
    typed = [name.lower() for names in COUNCILS for name in names]
    assert len(typed) == len(set(typed)), "a name typed for two councils"


def test_a_council_the_library_does_not_hold_is_found_by_any_of_its_names():
    assert councils_named("I'm a teacher in leeds. Should I refer?", LIBRARY) == ("Leeds",)
    assert councils_named("a school in Oxford", LIBRARY) == ("Oxfordshire",)  # a town of a two-tier county
    assert councils_named("leeds or Bradford?", LIBRARY) == ("Leeds", "Bradford")  # in the order named
    assert councils_named("in stoke on trent", LIBRARY) == ("Stoke-on-Trent",)
    # the longest name wins: Kingston upon Hull is not also Kingston upon Thames
    assert councils_named("kingston upon hull", LIBRARY) == ("Hull",)


def test_a_library_council_is_never_reported_missing():
    for text in ("how soon in York?", "GP in North East Somerset", "in Stockton-on-Tees", "Somerset", "North Somerset",
                 "in Brighton", "new york"):
        assert councils_named(text, LIBRARY) == (), text


def test_a_name_that_is_an_everyday_word_needs_its_capital():
    assert councils_named("reading the report, a ship's hull, bury it", LIBRARY) == ()
    assert councils_named("a school in Reading and one in Bury", LIBRARY) == ("Reading", "Bury")
