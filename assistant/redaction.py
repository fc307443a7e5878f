"""Redaction before storage: `safety.redact` plus the personal details it misses in typed questions."""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.safety import redact

# People a practitioner names in passing ("his nan Pat", "the child, Amelia,").
_RELATIONS = (
    "brother|sister|sibling|baby|nan|nana|nanny|gran|grandma|grandmother|grandad|grandfather|aunt|auntie|"
    "uncle|cousin|stepdad|stepmum|stepfather|stepmother|carer|partner|boyfriend|girlfriend|client|pupil|"
    "friend|niece|nephew|twin|child|boy|girl|mum|dad|mother|father|son|daughter|kid|teenager|person"
)
_RELATION_NAME = re.compile(rf"\b((?i:{_RELATIONS}))(,)?\s+([A-Z][a-z'-]+)(\s+[A-Z][a-z'-]+)?")
# The same in a question typed all in capitals or all in lower case ("MY CLIENT JAYDEN SMITH").
_ANY_CASE_RELATION = re.compile(rf"\b({_RELATIONS})(,)?\s+([A-Za-z'-]+)(\s+[A-Za-z'-]+)?", re.I)
# "called jayden": a name typed in lower case after words that introduce one.
_INTRODUCED_NAME = re.compile(r"\b(named|called|name is)\s+([a-z][a-z'-]+)", re.I)
_CASE_REFERENCE = re.compile(
    r"\b(case|ref(erence)?|client|file|record|mosaic|lcs|eclipse|id)\b\s*(no\.?|number|#)?\s*[:#]?\s*"
    r"(?=[A-Z0-9/-]*\d)[A-Z0-9][A-Z0-9/-]{3,}",
    re.I,
)
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_LONG_NUMBER = re.compile(r"\b\d{6,}\b")  # case, pupil and hospital numbers; no timescale is this long
_TITLE_WORD = re.compile(r"\b[A-Z][a-z']+(?:-[A-Za-z][a-z']*)*\b")
# A run of capitalised words, possibly joined by "of"/"and"/"for": "Mental Health Act", "Signs of Safety".
_TITLE_RUN = re.compile(rf"{_TITLE_WORD.pattern}(?:\s+(?:(?:of|and|for|&)\s+)?{_TITLE_WORD.pattern})*")
# A run ending in one of these names an institution or a law, not a person ("Mental Health Act").
INSTITUTION_WORDS = frozenset({
    "act", "acts", "service", "services", "team", "council", "order", "plan", "conference", "hub", "board",
    "panel", "court", "policy", "procedure", "procedures", "assessment", "framework", "protocol",
    "partnership", "trust", "unit", "centre", "center", "school", "college", "hospital", "agency",
    "department", "regulations", "guidance", "code", "programme", "project", "office",
})

# Capitalised words that are not names: sentence starters and the field's own vocabulary.
# Anything else written with a capital letter is treated as a name; the docstring says why.
_COMMON_WORDS_TEXT = """
a an the i if in on at to of for by from with about after before during when where what which who whom whose
why how how's what's who's is are was were be been do does did can could should would will shall must may
might has have had my our your their his her its this that these those there here please hi hello thanks
thank yes no not and or but so also any all each every some many much more most than then now today
tell explain describe show give list find help need want what's is there
child children child's children's young people person family families parent parents carer carers foster
social worker workers work care cared services service council councils authority authorities local team
teams hub front door duty manager managers office officer officers independent reviewing review conference
conferences protection plan plans safeguarding board partnership assessment assessments single initial core
strategy discussion meeting section act acts working together early help intervention support specialist
statutory guidance procedure procedures policy policies court courts order orders emergency police health
nhs school schools education looked leaving leavers adoption adopters fostering panel panels referral
referrals contact contacts threshold thresholds need needs in need child-in-need placement placements
england english county city borough district royal united hospital hospitals ruh gp mash lado iro cp cin cla
case cases ref reference file record number id
monday tuesday wednesday thursday friday saturday sunday
"""
COMMON_WORDS = frozenset(_COMMON_WORDS_TEXT.split())


def redact_personal(text: str, known_terms: Iterable[str] = (), vocabulary: frozenset[str] = frozenset()) -> str:
    """Everything `safety.redact` removes, plus what a practitioner types about a real case.

    Adds: names after relation words ("his brother Kai", "the child, Amelia,"), lower-case names
    after "called", case and reference numbers, ISO dates, long digit runs, and any other
    capitalised word that is neither a common sentence word nor one of `known_terms` (authority
    names, aliases, glossary terms). That last rule is deliberately over-eager, like `redact`:
    "Explain Signs of Safety" may lose a term to "[name]", but "Jayden Smith" is never stored.
    Words in capitals ("IN BATH") are left alone: shouting is not a name. But given the library's
    `vocabulary` (every word the indexed guidance uses), a word after a relation word in any case
    that is neither common, known nor in the guidance is a name: "MY CLIENT JAYDEN SMITH".
    """
    known = COMMON_WORDS | {word.lower() for term in known_terms for word in re.findall(r"[\w'&]+", term)}
    text = redact(text)
    text = _CASE_REFERENCE.sub(lambda m: f"{m.group(1)} [reference]", text)
    text = _ISO_DATE.sub("[date]", text)
    text = _LONG_NUMBER.sub("[number]", text)
    text = _RELATION_NAME.sub(
        lambda m: m.group(0) if m.group(3).lower() in known else f"{m.group(1)}{m.group(2) or ''} [name]", text
    )
    text = _INTRODUCED_NAME.sub(
        lambda m: m.group(0) if m.group(2).lower() in known else f"{m.group(1)} [name]", text
    )
    text = _TITLE_RUN.sub(lambda m: _redact_run(m.group(0), known), text)
    if vocabulary:
        text = _ANY_CASE_RELATION.sub(lambda m: _relation_any_case(m, known, vocabulary), text)
    return re.sub(r"\[name\](\s*\[name\])+", "[name]", text)


def _relation_any_case(match: re.Match[str], known: set[str], vocabulary: frozenset[str]) -> str:
    def unknown(word: str) -> bool:
        return word.lower() not in known and word.lower() not in vocabulary

    relation, comma, first, second = match.groups()
    if not unknown(first):
        return match.group(0)
    rest = " [name]" if second and unknown(second.strip()) else (second or "")
    return f"{relation}{comma or ''} [name]{rest}"


def _redact_run(run: str, known: frozenset[str] | set[str]) -> str:
    if run.split()[-1].lower() in INSTITUTION_WORDS:
        return run
    return _TITLE_WORD.sub(lambda m: m.group(0) if _is_known(m.group(0), known) else "[name]", run)


def _is_known(word: str, known: frozenset[str] | set[str]) -> bool:
    return all(part.lower() in known for part in word.split("-"))
