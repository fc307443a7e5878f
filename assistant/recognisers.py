"""Redaction's name recognisers: the ways practitioners name people that spaCy's NER misses.

Each is a Presidio `EntityRecognizer` that `assistant.redaction` passes to its engine with the
library's words (UK numbers, dates and addresses are in `assistant.uk_patterns`). Names are
found three ways besides spaCy's NER: after a relation or role word ("my client May",
"his nan pat", "MY CLIENT JAYDEN"), after a title ("mr dawson"), and as words the guidance never
uses that are first names (US census list, `names` package) or that spaCy tags as proper nouns.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from assistant.uk_patterns import MONTH

# The people a practitioner names in passing ("his nan Pat", "the IRO, Gill Thomas,").
_RELATION_TEXT = """
brother sister sibling siblings baby nan nana nanny gran granny grandma grandmother grandad grandpa grandfather
aunt auntie aunty uncle cousin stepdad stepmum stepfather stepmother stepbrother stepsister carer partner
boyfriend girlfriend husband wife ex client pupil friend niece nephew twin child boy girl mum mam mom dad
father mother son daughter kid teenager person toddler infant lad manager colleague teacher iro dsl
worker sw hv neighbour tenant"""
RELATION_WORDS = frozenset(_RELATION_TEXT.split())
TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "master"})
_INTRODUCERS = frozenset({"called", "named", "known", "as"})  # "a boy called jayden", "known as Jay"
_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*[^\W\d_])?")
# spaCy entity labels that are never a person's name.
_NOT_NAMES = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT", "LAW"})
_JOINERS = ("-", "'", "’")
_TYPO_CUTOFF = 0.8  # the same closeness the question pipeline uses to repair "refferal" (assistant.query)


@dataclass(frozen=True)
class Lexicon:
    """What decides whether a word is a name: the guidance's own words, and census name lists.

    `guidance_words` are words the library writes in lower case somewhere (so "may", "will",
    "foster" are ordinary words), plus its glossary and council names; a person's name in the
    guidance (always capitalised) is not among them.
    """

    guidance_words: frozenset[str]
    first_names: frozenset[str]
    surnames: frozenset[str]
    stop_words: frozenset[str]
    english: frozenset[str] = frozenset()  # WordNet's nouns, verbs, adjectives, adverbs (spaCy's lemmatizer)
    nouns: frozenset[str] = frozenset()  # WordNet's nouns alone

    def is_guidance(self, word: str) -> bool:
        lower = word.lower()
        return lower in self.guidance_words or lower.rstrip("s") in self.guidance_words

    def is_typo(self, word: str) -> bool:
        """A lower-case word close to a guidance or common word is a misspelling, not a name."""
        lower = word.lower()
        return len(lower) < 3 or bool(
            difflib.get_close_matches(lower, self.stop_words, n=1, cutoff=_TYPO_CUTOFF)
            or difflib.get_close_matches(lower, self.guidance_words, n=1, cutoff=_TYPO_CUTOFF)
        )


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    text: str
    pos: str  # spaCy's part of speech of the word's first token
    lemma: str = ""

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def titled(self) -> bool:
        return self.text[:1].isupper() and not self.text.isupper()


def _words(nlp_artifacts: NlpArtifacts) -> list[_Word]:
    """spaCy tokens with hyphenated and apostrophe names joined ("lily-rose", "o'connor")."""
    out: list[_Word] = []
    for token in nlp_artifacts.tokens:
        start, end = token.idx, token.idx + len(token.text)
        if out and out[-1].end == start and (token.text in _JOINERS or out[-1].text[-1] in _JOINERS):
            prev = out.pop()
            out.append(_Word(prev.start, end, prev.text + token.text, prev.pos, prev.lemma + token.text))
        else:
            out.append(_Word(start, end, token.text, token.pos_, token.lemma_.lower()))
    return [w for w in out if w.text.strip()]


class _NameRecognizer(EntityRecognizer):
    """Base for the name recognisers: a lexicon and a result helper."""

    def __init__(self, lexicon: Lexicon, name: str) -> None:
        self.lexicon = lexicon
        self.source = name  # reported with each finding, so the library's terms can overrule guesses
        super().__init__(supported_entities=["PERSON"], name=name, supported_language="en")

    def load(self) -> None:  # nothing to load: the lexicon is given
        pass

    def _result(self, words: list[_Word], score: float) -> RecognizerResult:
        return RecognizerResult("PERSON", words[0].start, words[-1].end, score,
                                recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.source})

    def _name_like(self, word: _Word, shouting: bool) -> bool:
        if not _WORD.fullmatch(word.text) or word.lower in self.lexicon.stop_words and not word.titled:
            return False
        if word.titled and not shouting:
            return True  # capitalised mid-question after "my client": a name, even "May" or "Will"
        return not self.lexicon.is_guidance(word.text) and word.lower not in self.lexicon.stop_words


_SURNAME_POS = frozenset({"PROPN", "NOUN", "X"})
_NAME_POS = _SURNAME_POS | {"ADJ", "INTJ"}  # what spaCy makes of a name typed in lower case
_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those", "his", "her", "their", "my", "our",
                          "your", "its", "some", "any", "every", "each", "no"})


class ContextNameRecognizer(_NameRecognizer):
    """Names after a relation or role word, or a title, in any case: "my client may jones",
    "her daughter Grace", "MY CLIENT RIVER", "dad is Robin Hart", "mr dawson"."""

    def __init__(self, lexicon: Lexicon) -> None:
        super().__init__(lexicon, "ContextNameRecognizer")

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts) -> list[RecognizerResult]:
        words = _words(nlp_artifacts)
        shouting = not any(c.islower() for c in text)
        results = []
        for i, word in enumerate(words):
            trigger = word.lower.rstrip(".")
            if trigger in TITLES:
                found = self._name_after(words, i + 1, shouting, after_title=True)
            elif trigger in RELATION_WORDS or trigger in {"called", "named"}:
                if word.titled and not shouting and i > 0 and words[i - 1].text not in ".!?":
                    continue  # "a Child Arrangements Order": a capitalised term, not "child" and a name
                found = self._name_after(words, i + 1, shouting, after_title=False)
            else:
                continue
            if len(found) > 1 and all(self.lexicon.is_guidance(w.text) for w in found):
                continue  # "the child Protection Plan": the guidance's words, not a name
            if found:
                results.append(self._result(found, 0.9))  # above spaCy's 0.85: the context decides
        return results

    def _what_they_did(self, word: _Word, shouting: bool) -> bool:
        """A lower-case word spaCy reads as a verb right after the relation, and nobody's first
        name: what the person did ("dad hit him", "stepdad hits him"), not their name. A first
        name that is also a verb ("mum mark", "her son will") stays a name, and in capitals, where
        the part of speech is a guess, every word does (redacting more, never less)."""
        return (
            not shouting
            and not word.titled
            and word.pos in {"VERB", "AUX"}
            and word.lower not in self.lexicon.first_names
        )

    def _continues_name(self, first: _Word, word: _Word, shouting: bool) -> bool:
        """After a first name, a capitalised word continues it ("Holly Price"); in lower case or
        capitals only a proper noun, noun or census surname does ("may jones", not "skye wants")."""
        if first.titled and not shouting:
            return word.titled
        if shouting or first.text.isupper() and word.text.isupper():  # POS are guesses in capitals: "DARREN HOLT HAS"
            unknown = bool(self.lexicon.english) and word.lower not in self.lexicon.english
            return word.lower in self.lexicon.surnames or unknown
        return word.pos in _SURNAME_POS or word.lower in self.lexicon.surnames and word.pos != "VERB"

    def _name_after(self, words: list[_Word], j: int, shouting: bool, after_title: bool) -> list[_Word]:
        bare_is = False
        while j < len(words) and words[j].lower in {",", "is", "was", *_INTRODUCERS}:
            bare_is = words[j].lower in {"is", "was"} or (bare_is and words[j].lower == ",")
            if words[j].lower in _INTRODUCERS:
                bare_is = False
            j += 1
        found: list[_Word] = []
        while j < len(words) and len(found) < 3:
            word = words[j]
            if bare_is and not word.titled:  # "the child is happy": only "dad is Robin" names someone
                break
            if not found and self._what_they_did(word, shouting):
                break  # "says dad hit him", "her brother kicked her": the relation did something
            if found and not self._continues_name(found[0], word, shouting):
                break  # "his auntie Precious wants": a name ends where the sentence goes on
            if self._name_like(word, shouting) or (after_title and _WORD.fullmatch(word.text)
                                                  and word.lower not in self.lexicon.stop_words):
                found.append(word)
            elif not found and j + 1 < len(words) and word.lower in self.lexicon.first_names \
                    and not words[j + 1].titled and self._name_like(words[j + 1], shouting) \
                    and self._continues_name(word, words[j + 1], shouting):
                found.append(word)  # "my client may jones": a first name that is also a common word, then a surname
            else:
                break
            j += 1
        return found


class NameWordRecognizer(_NameRecognizer):
    """Names with no context word, in lower case too ("what about jayden smith", "kez and her
    little one"): a word the guidance never uses that is a census first name, or that spaCy tags
    as a proper noun while not being a misspelling of a guidance word; and a census surname or
    proper noun straight after one. A capitalised proper noun counts only when the capitalised run
    it sits in has no guidance word ("Kai Jones", not "Virtual School Head")."""

    def __init__(self, lexicon: Lexicon) -> None:
        super().__init__(lexicon, "NameWordRecognizer")

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts) -> list[RecognizerResult]:
        if not any(c.islower() for c in text):
            return []  # shouted questions: every word is capitalised, names are found by context
        words = _words(nlp_artifacts)
        # Characters inside any spaCy entity that could be a name ("Tommo" is tagged, not as PERSON).
        named = {i for ent in nlp_artifacts.entities if ent.label_ not in _NOT_NAMES
                 for i in range(ent.start_char, ent.end_char)}
        results, i = [], 0
        while i < len(words):
            if self._first_name(words, i, named):
                run = [words[i]]
                while i + len(run) < len(words) and self._surname(words[i + len(run)], run[-1]) and len(run) < 3:
                    run.append(words[i + len(run)])
                results.append(self._result(run, 0.6))
                i += len(run)
            else:
                i += 1
        return results

    def _candidate(self, word: _Word) -> bool:
        return bool(_WORD.fullmatch(word.text)) and not is_acronym(word.text) and len(word.text) > 1 \
            and word.lower not in self.lexicon.stop_words and not self.lexicon.is_guidance(word.text) \
            and word.lower not in RELATION_WORDS and word.lower not in TITLES

    def _first_name(self, words: list[_Word], i: int, named: set[int]) -> bool:
        word = words[i]
        if not self._candidate(word):
            return False
        if re.fullmatch(MONTH, word.lower) and any(
            0 <= j < len(words) and words[j].text[:1].isdigit() for j in (i - 1, i + 1)
        ):
            return False  # "1 April 2013", "May 2018": a date, not April or May
        if i > 0 and words[i - 1].lower in _DETERMINERS and not word.titled:
            return False  # "the summer holiday", "her hope": a word, not Summer or Hope
        parts = word.lower.split("-")
        if len(parts) > 1 and any(len(part) == 1 or part in self.lexicon.first_names for part in parts):
            return True  # "lily-rose", "alfie-j", "lil-j": a first name or an initial in a hyphenated name
        if parts[0] in self.lexicon.first_names and (word.titled or word.pos in _NAME_POS
                                                     or word.lower in self.lexicon.nouns):
            return True  # "harvey", "lily" (even where spaCy guesses an adverb); not "soon" or "will"
        if not word.titled and len(word.text) > 2 and not self._english(word) and not self.lexicon.is_typo(word.text):
            return True  # "kez", "jayden": no English word, no misspelling of one the guidance uses
        if word.pos != "PROPN" and word.start not in named:
            return False
        if not word.titled:
            return not self.lexicon.is_typo(word.text)
        return not any(self.lexicon.is_guidance(w.text) for w in _capitalised_run(words, i))

    def _surname(self, word: _Word, previous: _Word) -> bool:
        if not self._candidate(word) or not word.titled and (previous.titled or word.pos not in _NAME_POS):
            return False  # "jayden smith", not "jayden seen" nor "Ryan McDonald safe"
        return word.titled or word.pos == "PROPN" or word.lower.split("-")[0] in self.lexicon.surnames \
            or not self._english(word)

    def _english(self, word: _Word) -> bool:
        return not self.lexicon.english or any(
            w in self.lexicon.english for w in (word.lower, word.lemma, *word.lower.split("-"))
        )


def is_acronym(text: str) -> bool:
    """"MASH", "DoLS", "SoS": half or more of the letters are capitals ("McDonald", "Alfie-J" are names)."""
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) * 2 >= len(letters)


def _capitalised_run(words: list[_Word], i: int) -> list[_Word]:
    """The words around words[i] that are capitalised, with "of"/"and"/"the" between them."""
    joiners = {"of", "and", "the", "for", "to", "on", "in", "&"}
    start = i
    while start > 0 and (words[start - 1].titled or words[start - 1].lower in joiners and start > 1
                         and words[start - 2].titled):
        start -= 1
    end = i
    while end + 1 < len(words) and (words[end + 1].titled or words[end + 1].lower in joiners
                                    and end + 2 < len(words) and words[end + 2].titled):
        end += 1
    return [w for w in words[start:end + 1] if w.titled]
