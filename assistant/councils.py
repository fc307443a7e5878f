"""England's children's services authorities by name (pure): which council a question names that
the library holds no guidance from.

A teacher in Leeds asking "should I refer?" named a council; the library's manifest does not know
it, so the answer used to ask "which council does the child live in?" as if none had been named,
and a practitioner's "what is the threshold in Leeds?" was answered from the library's councils
with nothing to say that none of them is Leeds. The names below let the answer say instead that
this library holds no guidance from Leeds, and point to Leeds's own front door, by name only:
no contact detail is known here and none is ever made up.

The 153 authorities with children's services duties in England (the 32 London boroughs and the
City of London, the 36 metropolitan boroughs, 21 county councils and 63 unitary authorities
after the 2023 reorganisations of Cumbria, North Yorkshire and Somerset), each with the names
people type for it; and a few large towns of two-tier counties, which people name instead of
the county ("a school in Oxford"). The manifest's own councils are found by their aliases
(assistant.query) and never reported here.
"""

from __future__ import annotations

import re
from functools import lru_cache

# (the council's short name as an answer says it, other names people type for it)
# fmt: off
COUNCILS: tuple[tuple[str, ...], ...] = (
    # London
    ("Barking and Dagenham", "Barking", "Dagenham"), ("Barnet",), ("Bexley",), ("Brent",), ("Bromley",),
    ("Camden",), ("City of London",), ("Croydon",), ("Ealing",), ("Enfield",), ("Greenwich",), ("Hackney",),
    ("Hammersmith and Fulham", "Hammersmith", "Fulham"), ("Haringey",), ("Harrow",), ("Havering",),
    ("Hillingdon",), ("Hounslow",), ("Islington",), ("Kensington and Chelsea", "Kensington", "Chelsea"),
    ("Kingston upon Thames", "Kingston"), ("Lambeth",), ("Lewisham",), ("Merton",), ("Newham",), ("Redbridge",),
    ("Richmond upon Thames", "Richmond"), ("Southwark",), ("Sutton",), ("Tower Hamlets",), ("Waltham Forest",),
    ("Wandsworth",), ("Westminster",),
    # metropolitan boroughs
    ("Bolton",), ("Bury",), ("Manchester",), ("Oldham",), ("Rochdale",), ("Salford",), ("Stockport",),
    ("Tameside",), ("Trafford",), ("Wigan",), ("Knowsley",), ("Liverpool",), ("Sefton",), ("St Helens",),
    ("Wirral",), ("Barnsley",), ("Doncaster",), ("Rotherham",), ("Sheffield",), ("Gateshead",),
    ("Newcastle upon Tyne", "Newcastle"), ("North Tyneside",), ("South Tyneside",), ("Sunderland",),
    ("Birmingham",), ("Coventry",), ("Dudley",), ("Sandwell",), ("Solihull",), ("Walsall",), ("Wolverhampton",),
    ("Bradford",), ("Calderdale",), ("Kirklees",), ("Leeds",), ("Wakefield",),
    # county councils
    ("Cambridgeshire", "Cambridge"), ("Derbyshire",), ("Devon", "Exeter"), ("East Sussex",),
    ("Essex", "Chelmsford", "Colchester"), ("Gloucestershire", "Gloucester"), ("Hampshire",), ("Hertfordshire",),
    ("Kent", "Canterbury"), ("Lancashire", "Preston", "Lancaster"), ("Leicestershire",),
    ("Lincolnshire", "Lincoln"), ("Norfolk", "Norwich"), ("Nottinghamshire",), ("Oxfordshire", "Oxford"),
    ("Staffordshire",), ("Suffolk", "Ipswich"), ("Surrey",), ("Warwickshire",), ("West Sussex",),
    ("Worcestershire", "Worcester"),
    # unitary authorities
    ("Bath and North East Somerset",), ("Bedford",), ("Blackburn with Darwen", "Blackburn"), ("Blackpool",),
    ("Bournemouth, Christchurch and Poole", "BCP", "Bournemouth", "Christchurch", "Poole"), ("Bracknell Forest",),
    ("Brighton and Hove", "Brighton"), ("Bristol",), ("Buckinghamshire",), ("Central Bedfordshire",),
    ("Cheshire East", "Crewe"), ("Cheshire West and Chester", "Chester"), ("Cornwall", "Truro"),
    ("Cumberland", "Carlisle"), ("Darlington",), ("Derby",), ("Dorset",), ("Durham", "County Durham"),
    ("East Riding of Yorkshire", "East Riding"), ("Halton",), ("Hartlepool",), ("Herefordshire", "Hereford"),
    ("Isle of Wight",), ("Isles of Scilly",), ("Hull", "Kingston upon Hull"), ("Leicester",), ("Luton",),
    ("Medway",), ("Middlesbrough",), ("Milton Keynes",), ("North East Lincolnshire", "Grimsby"),
    ("North Lincolnshire", "Scunthorpe"), ("North Northamptonshire", "Kettering", "Corby"), ("North Somerset",),
    ("North Yorkshire", "Harrogate", "Scarborough"), ("Northumberland",), ("Nottingham",), ("Peterborough",),
    ("Plymouth",), ("Portsmouth",), ("Reading",), ("Redcar and Cleveland", "Redcar"), ("Rutland",),
    ("Shropshire", "Shrewsbury"), ("Slough",), ("Somerset", "Taunton"), ("South Gloucestershire",),
    ("Southampton",), ("Southend-on-Sea", "Southend"), ("Stockton-on-Tees", "Stockton"),
    ("Stoke-on-Trent", "Stoke"), ("Swindon",), ("Telford and Wrekin", "Telford"), ("Thurrock",), ("Torbay",),
    ("Warrington",), ("West Berkshire", "Newbury"), ("West Northamptonshire", "Northampton"),
    ("Westmorland and Furness", "Kendal", "Barrow-in-Furness"), ("Wiltshire", "Salisbury"),
    ("Windsor and Maidenhead", "Windsor", "Maidenhead"), ("Wokingham",), ("York",),
)
# fmt: on
# Names that are also everyday English words ("reading the file", "bury", "a ship's hull"): found
# only when typed with a capital letter.
EVERYDAY_WORD_NAMES = frozenset({"reading", "bury", "slough", "harrow", "hull", "derby", "brent", "richmond", "sutton"})


def councils_named(text: str, library: dict[str, str]) -> tuple[str, ...]:
    """The councils `text` names that the library does not hold (by short name, in the order
    named): none whose names the library's aliases (`library`: alias -> authority) already
    cover, nor any whose name is part of a library council's ("Somerset" of "Bath and North East
    Somerset Council") or one of its aliases, so a library council is never reported as missing."""
    spans = _alias_spans(text, tuple(sorted(library, key=len, reverse=True)))
    skipped = _held(tuple(sorted(library.items())))
    found = []
    # One pass of one pattern, its longest names first: "Kingston upon Hull" is taken whole, not
    # also as Kingston upon Thames.
    for match in _all_names().finditer(text):
        typed = match.group(0)
        council = _council_of()[_key(typed)]
        if council in skipped or any(match.start() < end and start < match.end() for start, end in spans):
            continue
        if _key(typed) in EVERYDAY_WORD_NAMES and not typed[:1].isupper():
            continue
        found.append(council)
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=8)
def _held(library: tuple[tuple[str, str], ...]) -> frozenset[str]:
    """The councils (by short name) the library holds, under their name or an alias, or whose name
    is part of a library council's (once per library, not per question)."""
    held_words = {w for _, name in library for w in _words(name)}
    held_aliases = {" ".join(_words(alias)) for alias, _ in library}
    return frozenset(
        names[0]
        for names in COUNCILS
        if all(w in held_words for w in _words(names[0])) or any(" ".join(_words(n)) in held_aliases for n in names)
    )


@lru_cache(maxsize=1)
def _all_names() -> re.Pattern[str]:
    names = sorted((name for names in COUNCILS for name in names), key=len, reverse=True)
    joined = "|".join(_words_pattern(name) for name in names)
    return re.compile(rf"(?<![\w&])(?:{joined})(?![\w&])", re.IGNORECASE)


@lru_cache(maxsize=1)
def _council_of() -> dict[str, str]:
    return {_key(name): names[0] for names in COUNCILS for name in names}


def _key(name: str) -> str:
    return " ".join(re.split(r"[\s-]+", name.strip().lower()))


def their_front_doors(councils: tuple[str, ...]) -> str:
    """Councils the library holds nothing from, pointed to by name only: "Leeds's children's
    services front door" (no contact detail of theirs is known here, and none is made up)."""
    return " or ".join(f"{name}'s children's services front door" for name in councils)


def with_councils_not_held(library: dict[str, str]) -> dict[str, str]:
    """The library's aliases and, for each council it holds nothing from, each of its names as an
    alias of its short name: a follow-up reads "and in Leeds?" as a council switch, and takes
    "Manchester" out of the last question when it switches to York, as it does a library council."""
    return _with_not_held(tuple(sorted(library.items())))


@lru_cache(maxsize=8)
def _with_not_held(library: tuple[tuple[str, str], ...]) -> dict[str, str]:
    held = _held(library)
    others = {name: names[0] for names in COUNCILS if names[0] not in held for name in names}
    return {**others, **dict(library)}


def _alias_spans(text: str, aliases: tuple[str, ...]) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for alias in aliases for m in _pattern(alias).finditer(text)]


@lru_cache(maxsize=1024)
def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w&]){_words_pattern(name)}(?![\w&])", re.IGNORECASE)


def _words_pattern(name: str) -> str:
    """A name's words, with spaces or hyphens between them ("Stockton-on-Tees", "stockton on tees")."""
    return r"[\s-]+".join(re.escape(w) for w in re.split(r"[\s-]+", name.strip()) if w)


def _words(name: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", name.lower()) if w not in {"and", "of", "the", "upon", "council", "city"}}
