"""Safety: the immediate-danger line, and redaction of personal details before anything is stored.

`immediate_danger` decides whether an answer opens with the 999 line. It reads a message the way
a duty worker would, as a few kinds of cue rather than a list of phrases:

- a HARM cue (violence, a weapon, sexual abuse, a threat, an injury, a carer too intoxicated to
  care, a child in terror) and an IMMINENCE cue (now, tonight, in half an hour, still, just) in
  the same clause: "he is hitting her right now", "there'll be more tonight";
- a CONTACT cue (the person who harms is here, outside, collecting, taking the child, or the child
  must go back to them or is too frightened to go home) anywhere in the message, together with a
  HARM cue anywhere in it: "stepdad burns him ... stepdad is picking him up at 3";
- a very young child with no one able to care for them: alone, or with an intoxicated carer;
- a few signals that are danger on their own: a medical emergency, an overdose or a child about
  to jump, a child missing now, a weapon in hand, a call for help, "in immediate danger".

Three vetoes keep the line for a child at risk now: a sentence that is a procedure question or a
hypothetical about "a child" in general is not read ("how long does a s47 take after a child is
hurt"); a clause about the past ("last year", "used to") does not count as harm happening now; and
a message that says the danger is over ("in custody", "found safe", "case closed") is not flagged.
Measured on tests/assistant/danger_now.yaml (written for that purpose, not from the eval items):
recall 0.99 at 0.00 false positives on the 253 messages the cues were shaped on, but 0.40 at 0.00
on 50 written afterwards. Lexical cues miss wording they have not seen; the line errs towards
silence on unfamiliar phrasing, so a partner's answer must never depend on it alone (the front
door is always given), and the line is decided by `danger_now`: these rules OR a logistic
regression on the question's vector (assistant.danger), which held out batch by batch restores
recall 1.00 on that last batch at 0.12 false positives (evals/fit/DANGER.md).
"""

from __future__ import annotations

import re

SAFETY_LINE = (
    "If a child is in immediate danger, call 999 now. Then make an urgent referral to "
    "children's services (out of hours, the Emergency Duty Service). Do not wait for guidance."
)


def _cue(*alternatives: str) -> re.Pattern[str]:
    """One case-insensitive pattern from word-bounded alternatives (kept readable one per line)."""
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


# The cue lexicons are tables of alternatives, laid out by family rather than one per line.
# fmt: off
# What hurts a child, in families. Stems, so "hit/hits/hitting", "beat/beaten" all count.
VIOLENCE = (
    r"hit(s|ting)?", r"beat(s|ing|en)?( (him|her|them))?( up)?", r"batter\w*", r"punch\w*", r"kick(s|ed|ing)",
    r"slap\w*", r"smack\w*", r"belt(s|ed|ing)? (him|her|them)", r"thump\w*", r"whack\w*", r"bash\w*",
    r"twist(s|ed|ing)?", r"slit\w*", r"throat", r"shoot\w*", r"shot", r"drown\w*", r"murder\w*", r"smother\w*",
    r"suffocat\w*", r"shak(e|es|en|ing) (him|her|them|the baby)", r"bit(e|es|ten)? (him|her|them)",
    r"strangl\w*", r"chok(e|es|ed|ing)", r"throttl\w*", r"by the throat", r"stab\w*", r"hurt(s|ing)?",
    r"harm(s|ed|ing)?", r"kill\w*", r"attack\w*", r"assault\w*", r"burn(s|t|ed|ing)?", r"scald\w*", r"abus\w*",
    r"violen\w*", r"aggressive", r"threw", r"throw(s|ing)? (\w+ )?at", r"smash\w*", r"banging on", r"kicked off",
    r"dragg\w*", r"by (his|her|the) hair", r"pull\w* (his|her) hair", r"grab\w*", r"shov\w*",
    r"push(es|ed|ing)? (him|her|them)", r"pin(s|ned|ning)? (him|her|them)", r"honour", r"whatever it takes",
    r"finish (the job|(him|her|them) off)",
)
CONFINEMENT = (r"lock(s|ed)? (\w+ )?(in|up)", r"locked the door", r"held (down|at|captive|hostage)")
WEAPON = (r"knife", r"knives", r"gun", r"machete", r"blade", r"weapon", r"a bat")
# Sexual abuse and exploitation, including the signs of it (older men, lifts, a trap house).
SEXUAL_OR_EXPLOITED = (
    r"rap(e|es|ed|ing)", r"touch(es|ed|ing)? (her|him|them)", r"sex(ual)?", r"knickers", r"private (parts|bits)",
    r"naked", r"makes? (her|him|them) (do|touch|watch) \w+", r"sleep with", r"(older|adult) (men|man|males?)",
    r"groom\w*", r"offer\w* ([\w']+ ){0,4}(lifts?|sweets|money|cigarettes|vapes|drugs|alcohol)", r"trap house",
    r"county lines", r"to be married", r"forced? (to )?marr\w*", r"married off", r"fgm", r"ceremony",
)
# A court has already judged this person a risk to the child.
COURT_ORDER = (
    r"non[- ]?molestation", r"restraining order", r"court order", r"injunction", r"(not allowed|no) contact",
)
INJURY = (
    r"bite marks?", r"bruis\w*", r"gash", r"cuts?", r"cutting", r"broken", r"fractur\w*", r"wound\w*", r"bleed\w*",
    r"blood", r"swollen", r"black eye", r"injur\w*", r"marks on",
    # starved now: not allowed to eat, not fed
    r"starv\w*", r"(not|n'?t) (let|allowed) (\w+ )?(to )?eat", r"(not|n'?t) (been )?(eaten|fed)",
)
# A carer too drunk or high to look after a child (also a NO_CARE cue for the youngest).
INTOXICATED = (
    r"drunk", r"drinking", r"intoxicated", r"slurr\w*", r"passed out", r"out of it", r"off (his|her|their) face",
    r"stoned", r"high on \w+", r"(arrived|turned up|is|was|'s) high", r"under the influence",
    r"smell\w* of (alcohol|drink|booze|weed)", r"hammered", r"wasted", r"paralytic", r"legless", r"plastered",
    r"slumped",
)
DISTRESS = (
    r"terrified", r"frightened", r"scared", r"petrified", r"hiding", r"scream\w*", r"sobb\w*", r"beg\w*",
    r"pleading", r"help me",
)
SUICIDAL = (
    r"sorry for everything", r"(don'?t|doesn'?t) want to (live|be here|wake up)", r"kill (him|her|them)sel\w+",
    r"wants? to die", r"suicid\w*", r"self[- ]?harm\w*",
)
HARM = _cue(
    *VIOLENCE, *CONFINEMENT, *WEAPON, *SEXUAL_OR_EXPLOITED, *COURT_ORDER, *INJURY, *INTOXICATED, *DISTRESS, *SUICIDAL
)
# A harm word straight after one of these is denied, not reported ("no injuries", "not hurt").
NEGATED = re.compile(r"\b(no|not|never|without|nobody|no one|hasn'?t|denies|any)\s+(\w+\s+){0,3}$", re.IGNORECASE)

# When: now or within hours. Bare "today" is left out: "a boy hit another pupil today" is a
# same-day referral, not a 999 call; "collecting her today" is a CONTACT cue below.
IMMINENT = _cue(
    r"right now", r"just now", r"as we speak", r"at the moment", r"currently", r"tonight",
    # "still" of a state that goes on ("is still there", "still bleeding"), not "can I still refer"
    r"(is|are|'s|was) still", r"still (here|there|at|in|on|with|inside|outside|going on|happening|\w+ing)",
    r"this (evening|afternoon)", r"later( on| today)?", r"after school", r"home time", r"tomorrow", r"at \d( ?pm)?",
    r"in (half an hour|an hour|a few (minutes|mins)|\d+ (minutes|mins))",
    r"when (he|she|they|dad|mum|\w+) (gets?|comes?) (home|back|in|out)",
    # the one writing is witnessing it
    r"(can|could) (hear|see)", r"(i'?m|im|i am|we'?re|we are) watching", r"while (he|she|they)",
    r"just (\w+ )?(hit|punched|kicked|slapped|threatened|attacked|stabbed|burnt)",
    # "now", but not "fine now", "now that", "is now under camhs", "now lives with nan"
    r"(?<!fine )(?<!safe )(?<!ok )(?<!well )now(?! (that|closed|under|seeing|lives|living|been|in care))",
    # the progressive: "is dragging her", "keeps hitting", "being held down" (with harm in the clause)
    r"(is|are|'s|keeps?|kept|being|while (he|she|they)) (\w+ )?\w+ing",
)

# Whoever harms the child is with them, coming for them, or the child must go back to them.
CONTACT = _cue(
    # here, near the child, now
    r"outside", r"at the (gates?|door|window|front desk)", r"(across|over|down) the road", r"nearby",
    r"(is|'s|are|been) (sat|sitting|stood|standing|parked|hanging (round|around)|lurking|waiting)",
    r"(here|there|outside)( again)? now", r"(is|'s|are) (here|there) now", r"still here",
    r"in (reception|the car park)",
    r"(man|woman|adult|stranger|dad|father|mum|mother|step ?dad|boyfriend|partner|ex|uncle|he|she)('s| is| has been)? "
    r"(in|at|on|inside) the (school |nursery )?(grounds|building|site|playground|premises|corridor|car park|classroom)",
    r"turned up", r"turning up", r"arrived", r"walked in(to)?",
    # coming for the child, collecting or taking them
    r"on (his|her|their) way", r"coming (round|over|back|to (get|collect|take))", r"heading (to|for|over)",
    r"waiting (for|outside)", r"pick(ing|s)? (him|her|them|the \w+) up", r"collect(s|ing)?( (him|her|them))?",
    r"due to pick", r"driving over", r"pick[- ]?up", r"(trying|try|tries|demanding|wants?|come|coming|here) to take",
    r"(fly\w*|flown|tak(e|es|ing|en)|send\w*|sent) (her|him|them) (out|abroad|away|overseas)",
    r"(be |being )?taken (for|to be)",
    r"taken (the (baby|child|children|kids)|him|her|them) (from|without|out of|abroad|away)",
    r"taking (her|him|them) (abroad|away|out of)", r"take (him|her|them) home",
    r"(refus\w*|won'?t|will not) (to )?let (us|them|anyone|the \w+) (take|see|treat|in)",
    # the child goes back to them, or is alone with them
    r"(has|have|'s) to go back", r"(go|goes|going|gets?|sent) (back )?home", r"back home to",
    r"the only (one|adult)( at home)? with", r"alone with",
    # too frightened to go home, or will not: the child is telling you where the danger is
    r"(scared|afraid|frightened|terrified|petrified|refus\w*|won'?t|wont|will not|not going|can'?t|cant|cannot)"
    r" (to )?(go )?(back )?(home|back (there|home|to (the|his|her|their) \w+))",
)

# The youngest children, who cannot keep themselves safe for an hour.
YOUNG = _cue(
    r"baby", r"babies", r"newborn", r"toddler", r"infant", r"\d+ (week|month)s?[ -]old",
    r"([1-6]|one|two|three|four|five|six)[ -]?(yr|year)s?[ -]?old", r"little (one|ones|brother|sister)",
    r"under (5|fives)", r"aged [1-5]\b", r"pram", r"buggy", r"cot",
)
NO_CARE = _cue(
    r"(left |home )?alone", r"on (his|her|their|its) own", r"(not|n'?t) seen (an|any) (adult|parent)",
    r"no (adult|parent|one else|carer)", r"nobody else", r"not collected", r"only adult", r"unattended",
    r"(nobody|no one|no adult|no parent) (\w+ ){0,2}(here|there|home|with|about|around|claiming|looking after)",
    r"abandon\w*", r"drove off", r"(went|gone) out", r"no answer", r"not answering", r"wandering", r"unsupervised",
    r"unconscious", r"relapsed", r"kicked out", r"sleeping (rough|out|outside|in (the|a) \w+|on the streets?)",
    r"nowhere to (sleep|stay|go)", *INTOXICATED,
)

# Danger on their own: each describes a child (or their only carer) in trouble at this moment.
ALWAYS = _cue(
    r"(immediate|imminent|grave) (danger|risk)", r"in danger", r"unsafe (right )?now",
    r"not safe (at home|now|tonight)",
    # a medical emergency
    r"not breathing", r"(struggling|can'?t|cannot) (to )?breathe", r"unconscious", r"unresponsive",
    r"(isn'?t|not) (responding|waking)", r"won'?t wake( up)?", r"collapsed", r"floppy", r"limp", r"faint\w*",
    r"not moving", r"(can'?t|cannot) move", r"(can'?t|cannot) get a (word|response|sound) (out of|from)",
    r"gone under", r"pulled (him|her|them) out", r"fitting", r"seizure", r"bent the wrong way", r"stab wound",
    r"in (a lot of |so much |severe |terrible |real )?(pain|agony)", r"(still )?bleeding", r"lot of blood",
    # a suicide attempt under way or about to be
    r"overdos\w*", r"taken ([\w']+ ){0,3}(tablets|pills|paracetamol)", r"(threatening|going|about) to jump",
    r"on (the|a) (\w+ )?(roof|ledge|bridge|railway|tracks|cliff)", r"goodbye (message|note|letter|text)",
    r"(written|wrote|left) (a|her|his|their) (suicide )?note", r"(photo|picture|pic) of (\w+ ){0,2}(pills|tablets)",
    r"pills lined up",
    r"(going to|gonna|wants? to|will|'ll|about to) (end it|end (his|her|their) (own )?life|kill (him|her|them)sel\w+)",
    # held, armed, calling for help, gone
    r"(won'?t|will not) let (\w+ ){1,4}(leave|out|go)", r"(shouting|screaming|crying) for help",
    r"(has|'s got|got|with|carrying|holding|pulled|waving) (a |an )?(knife|gun|machete|blade|weapon|bat|hammer|axe)",
    r"(gun|knife|weapon) in (his|her|their) bag",
    r"(is|has gone|gone|been|reported|currently|still) missing(?! (school|education|lessons|appointments?|clinic))",
    r"ran (off|away)( from)?", r"wander\w* off",
)

# A child not back and not found: still missing however long ago they went ("didn't return last
# night"), so these are read without the past-clause veto that the signals above get.
MISSING_NOW = _cue(
    r"(hasn'?t|has not|didn'?t|did not|not) (been seen|return\w*|come (home|back)|been (home|back)|turned up)",
    r"missing from (home|care|((his|her|their) )?placement|the unit|hospital)", r"missing since",
    r"(can'?t|cannot|can not) find (him|her|them)", r"(no one|nobody) knows where", r"not (been )?found( yet)?",
    r"searching for (him|her|them)",
)

# A sentence about "a child" in general, asked as a hypothetical or a procedure question.
HYPOTHETICAL = _cue(
    r"(if|when|whenever|where|after|once|what if|suppose|say) (a|an|any) (child|young person|baby|pupil|student|"
    r"parent|carer|teacher|staff member|member of staff|foster carer)",
    r"(if|when|where) (children|parents)", r"what would happen", r"hypothetical\w*", r"in training",
)
QUESTION_START = re.compile(
    r"^\W*(how|what|whats|what's|when|who|which|where|why|is|are|does|do|can|could|should|would|at what)\b",
    re.IGNORECASE,
)
# Words that tie a sentence to one real child or family, so a question-shaped sentence is a report.
SPECIFIC = _cue(
    r"he|she|him|her|his|hers|they'?re|my|our|this (child|boy|girl|baby)", r"dad|mum|mom|step ?dad|step ?mum",
    r"brother|sister|uncle|aunt|boyfriend|girlfriend|partner|husband|wife|ex|nan|gran",
    r"told me|disclosed|says|said", r"\d+ ?(yr|year|month|week)s? old",
)
# Harm in someone's childhood or long ago: not a danger to anyone now, wherever it is told.
HISTORIC = _cue(
    r"as a (child|kid|teenager|baby)", r"when (he|she|they|i) (was|were) (a |an )?\w+", r"growing up",
    r"in the (past|\d0s)", r"historic\w*", r"(years|decades) ago",
)
# The clause is about the past, so its harm is not happening now.
PAST = _cue(
    r"last (week|month|year|term|summer|night|time|weekend)",
    r"last (monday|tuesday|wednesday|thursday|friday|saturday|sunday)",
    r"yesterday", r"(days|weeks|months) ago", r"used to",
    r"previously", r"before", HISTORIC.pattern,
)
# The message says the danger has passed: someone is in custody, the child is safe.
RESOLVED = _cue(
    r"in custody", r"remanded", r"on bail", r"charged", r"case (is )?closed", r"closed now", r"dealt with",
    r"sorted",
    r"(is|are|was|were|'s|s|feels?) (now )?(found )?safe", r"found safe", r"seem(s|ed)? (fine|ok|okay|well)",
    r"police protection", r"place of safety", r"no contact now", r"has since died", r"doing well", r"coping",
    r"happy to go home", r"moved away", r"left (him|her) years", r"(went|gone|moved) to (a|the) refuge",
    r"(has|have) (come|returned) (home|back)", r"came (home|back)", r"return (home )?interview",
    r"(been|was|were) found",
    r"(been|is|are) back (home|in lessons|at school)", r"out of hospital", r"discharged",
)

# fmt: on

_SENTENCE = re.compile(r"[.!?;:\n]+|\s[-–]\s")  # a dash after "teacher -" starts the report
_CLAUSE = re.compile(r",|\s(?:but|although)\s")  # "because" joins a fear to its cause: kept


def _harm(text: str) -> bool:
    """A harm cue that is not denied in the words just before it."""
    return any(not NEGATED.search(text[: m.start()]) for m in HARM.finditer(text))


# An always-danger cue said not to apply: "when they're not in immediate danger", "no immediate
# risk", "isn't in danger" (a question about the route short of 999, not a child at risk now).
# Only the words straight before the cue: the cues that are themselves negative ("not breathing",
# "not safe at home") start with the negation, so nothing before them is read as one.
NOT_THIS = re.compile(r"\b(?:not|no|never|without|isn'?t|aren'?t|wasn'?t|weren'?t)\s+(?:in\s+)?(?:any\s+)?$", re.I)


def _always(clause: str) -> bool:
    """The clause holds an always-danger cue that is neither dated to the past nor negated."""
    return any(
        not _past(clause, m) and not NOT_THIS.search(clause[: m.start()]) for m in ALWAYS.finditer(clause)
    )


def _past(clause: str, cue: re.Match[str]) -> bool:
    """The clause dates the cue to the past: a time adverbial follows what it modifies ("assaulted
    outside school last month"), while "the dad who stabbed him last year has just turned up" is now;
    "since last night" dates how long it has lasted, not when it ended."""
    return any(not clause[: m.start()].endswith("since ") for m in PAST.finditer(clause, cue.end()))


def _read_sentences(message: str) -> list[str]:
    """The message's sentences, without those that ask about children in general."""
    kept = []
    for sentence in (s.strip() for s in _SENTENCE.split(message.lower())):
        if not sentence or HYPOTHETICAL.search(sentence):
            continue
        if QUESTION_START.search(sentence) and not SPECIFIC.search(sentence):
            continue  # "what counts as immediate danger?", "how long does a s47 take after ..."
        kept.append(sentence)
    return kept


# "Mum is drowning - debt, house a tip", "drowning in paperwork": the idiom for a parent overwhelmed,
# not a body in water (a nursery manager's message about Family Solutions opened with the 999 line).
# Only before what the idiom is about; "drowning in the bath" is still harm.
FIGURATIVE_DROWNING = re.compile(
    r"\bdrown(?:s|ing|ed)?\s*(?:(?:in|under|with)\s+|[-–:,(]\s*)(?:(?:her|his|their|the|all|so much|a lot of)\s+)?"
    r"(?:debts?|bills|arrears|paperwork|work|stress|worries|worry|problems|admin|money|everything|it all)\b",
    re.IGNORECASE,
)


def immediate_danger(question: str) -> bool:
    """True when the message describes a child at risk now, not a procedure question or the past."""
    question = FIGURATIVE_DROWNING.sub("overwhelmed", question)
    if RESOLVED.search(question):
        return False
    sentences = _read_sentences(question)
    clauses = [c for s in sentences for c in _CLAUSE.split(s) if c and c.strip()]
    if any(_always(c) for c in clauses):
        return True
    if any(MISSING_NOW.search(c) for c in clauses):
        return True
    if any(IMMINENT.search(c) and (_harm(c) or NO_CARE.search(c)) and not PAST.search(c) for c in clauses):
        return True
    report = " . ".join(sentences)
    contact = any((m := CONTACT.search(c)) and not _past(c, m) for c in clauses)
    if contact and _harm(" . ".join(c for c in clauses if not HISTORIC.search(c))):
        return True
    return bool(YOUNG.search(report) and NO_CARE.search(report))


def danger_now(question: str, probability: float | None = None) -> bool:
    """Whether the answer opens with the 999 line: the rules, or the fitted model on the question's
    vector (`probability`, assistant.danger; None when no vector was read, e.g. a writer called
    directly) reaching its threshold. The rules keep what they were shaped on; the model catches
    wording they have not seen (leave-one-batch-out figures in evals/fit/DANGER.md)."""
    if immediate_danger(question):
        return True
    from assistant.danger import danger_model

    return danger_model().says_danger(probability)


def redact(text: str) -> str:
    """Remove names, dates of birth, phone numbers, addresses, postcodes, NHS/NI numbers, emails.

    The one redaction: `assistant.redaction` (Presidio with UK recognisers), without a library's
    terms to keep. Anything that stores text uses `FeedbackStore`, which keeps them.
    """
    from assistant.redaction import redact_personal

    return redact_personal(text)
