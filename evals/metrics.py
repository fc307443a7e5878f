"""Eval metrics as pure functions. Each is tested on hand-worked examples in tests/evals/."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def fold(text: str) -> str:
    """Lower case, one kind of quote and dash, single spaces: how facts and evidence are matched."""
    return re.sub(r"\s+", " ", text.translate(_QUOTES).lower()).strip()


_EMPHASIS = re.compile(r"\*+|(?<!\w)_+|_+(?!\w)")


def evidence_found(passage_text: str, evidence: str) -> bool:
    """True when the passage contains the evidence line (folded), or at least its longest
    sentence-like part when a chunk boundary split the evidence. Markdown emphasis is no part of the
    words: an evidence line copied from the document keeps its "*Changing Lives*", a quote shows
    the words without the asterisks."""
    hay, needle = fold(_EMPHASIS.sub("", passage_text)), fold(_EMPHASIS.sub("", evidence))
    if not needle:
        return False
    if needle in hay:
        return True
    parts = [p.strip() for p in re.split(r"(?<=[.;:])\s+", needle) if len(p.strip()) >= 25]
    return bool(parts) and max(parts, key=len) in hay


def fact_present(alternatives: Sequence[str], text: str) -> bool:
    """Any wording of the fact appears as whole words ("20" is not found in "2013")."""
    hay = fold(text)
    return any(_whole(fold(a), hay) for a in alternatives)


def _whole(needle: str, hay: str) -> bool:
    return bool(needle) and re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", hay) is not None


def source_matches(doc_id: str, text: str, source_doc_id: str, evidence: str) -> bool:
    return doc_id == source_doc_id and evidence_found(text, evidence)


def relevance(retrieved: Sequence[tuple[str, str]], sources: Sequence[tuple[str, str]]) -> list[int]:
    """Binary gains for a ranked list of (doc_id, text) against expected (doc_id, evidence).

    A passage counts once per expected source: a second passage matching an already
    matched source gains nothing, so a list cannot score twice for one fact."""
    matched: set[int] = set()
    gains: list[int] = []
    for doc_id, text in retrieved:
        hit = next(
            (i for i, (sd, ev) in enumerate(sources) if i not in matched and source_matches(doc_id, text, sd, ev)), None
        )
        if hit is None:
            gains.append(0)
        else:
            matched.add(hit)
            gains.append(1)
    return gains


def hit_at(gains: Sequence[int], k: int) -> float:
    return 1.0 if any(gains[:k]) else 0.0


def mrr_at(gains: Sequence[int], k: int = 10) -> float:
    for rank, gain in enumerate(gains[:k], start=1):
        if gain:
            return 1.0 / rank
    return 0.0


def ndcg_at(gains: Sequence[int], n_relevant: int, k: int = 10) -> float:
    dcg = sum(g / math.log2(rank + 1) for rank, g in enumerate(gains[:k], start=1))
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(n_relevant, k) + 1))
    return dcg / ideal if ideal else 0.0


def fact_recall(facts: Sequence[Sequence[str]], answer_text: str) -> float:
    """1.0 when every expected fact (any of its wordings) is in the answer, else 0.0."""
    return 1.0 if facts and all(fact_present(alts, answer_text) for alts in facts) else 0.0


_MARKER = re.compile(r"\[(\d+)\]")


def citation_support(facts: Sequence[Sequence[str]], answer_text: str, quotes: dict[int, str]) -> float | None:
    """Share of (fact, answer line) mentions whose line cites a passage that contains the fact.

    A line with a fact but no [n] marker, or whose cited passages lack the fact, is unsupported.
    None when the answer states none of the facts (nothing to check)."""
    checked = supported = 0
    for line in answer_text.splitlines():
        cited = [int(n) for n in _MARKER.findall(line)]
        for alts in facts:
            wording = next((fold(a) for a in alts if _whole(fold(a), fold(line))), None)
            if wording is None:
                continue
            checked += 1
            if any(_whole(wording, fold(quotes.get(n, ""))) for n in cited):
                supported += 1
    return supported / checked if checked else None


def source_recall(citations: Sequence[tuple[str, str]], sources: Sequence[tuple[str, str]]) -> float:
    """Share of expected sources found among the cited passages (doc_id, quote)."""
    if not sources:
        return 0.0
    found = sum(any(source_matches(d, q, sd, ev) for d, q in citations) for sd, ev in sources)
    return found / len(sources)


def authority_correct(
    expected: str, answer_authorities: Sequence[str], cited_authorities: Sequence[str], question_names_authority: bool
) -> float:
    """The expected authority answers; when the question names it, nothing else is cited."""
    if expected not in answer_authorities:
        return 0.0
    if question_names_authority and any(a != expected for a in cited_authorities):
        return 0.0
    return 1.0


def conflict_covered(
    source_authorities: Sequence[str],
    cited_authorities: Sequence[str],
    facts: Sequence[Sequence[str]],
    answer_text: str,
) -> float:
    """Both (all) sides shown: every disagreeing authority is cited and every fact stated."""
    sides = set(source_authorities) <= set(cited_authorities)
    return 1.0 if sides and all(fact_present(alts, answer_text) for alts in facts) else 0.0


def abstention(outcomes: Sequence[tuple[bool, bool]]) -> dict[str, float | None]:
    """outcomes: (should_abstain, abstained) per item. Precision/recall of refusing, and the
    rate of refusals among answerable items. None where the denominator is empty."""
    tp = sum(s and a for s, a in outcomes)
    refused = sum(a for _, a in outcomes)
    should = sum(s for s, _ in outcomes)
    answerable = sum(not s for s, _ in outcomes)
    wrong = sum(a and not s for s, a in outcomes)
    return {
        "abstention_precision": tp / refused if refused else None,
        "abstention_recall": tp / should if should else None,
        "wrong_refusal_rate": wrong / answerable if answerable else None,
    }


def hedging(answered: Sequence[tuple[bool, bool]]) -> dict[str, float | None]:
    """answered: (hedged, passed) per answered item. How often an answer says it may not answer
    the question, and how well that flag separates the failed answers from the passed ones:
    the share of failed answers flagged (higher is better) and of passed answers flagged (lower
    is better). None where the denominator is empty."""
    failed = [h for h, ok in answered if not ok]
    passed = [h for h, ok in answered if ok]
    return {
        "hedged_share": sum(h for h, _ in answered) / len(answered) if answered else None,
        "failed_answers_flagged": sum(failed) / len(failed) if failed else None,
        "passed_answers_flagged": sum(passed) / len(passed) if passed else None,
    }


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100), as numpy's default."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def risk_coverage(scored: Sequence[tuple[float, bool, bool]]) -> list[tuple[float, float, float]]:
    """(threshold, coverage, risk) for every threshold at or above the current operating point.

    `scored` holds, per question, (confidence, answered, answered well): answered well means it
    should have been answered and the answer holds every expected fact. Raising the threshold to
    t keeps only the answers with confidence >= t: coverage is their share of all questions,
    risk the share of them that are not answered well. Below the operating point the answers
    that would be given are unknown, so the curve starts there.
    """
    if not scored:
        return []
    total = len(scored)
    answered = sorted(((c, good) for c, was, good in scored if was), key=lambda pair: pair[0])
    out = []
    for i, (threshold, _) in enumerate(answered):
        kept = answered[i:]
        bad = sum(1 for _, good in kept if not good)
        out.append((threshold, len(kept) / total, bad / len(kept)))
    return out


# ---------------------------------------------------------------- partner and conversation checks


def _door_words(door: str) -> str:
    """A front door as matched: folded, without a leading "the" ("the Children's Hub" is named
    by "Stockton's Children's Hub")."""
    return re.sub(r"^the\s+", "", fold(door))


def front_doors_missing(expected: Sequence[str], shown: Sequence[str]) -> list[str]:
    """The expected front doors (as the manifest writes them) that none of the shown texts
    (the answer text, its front-door lines) names, case and quotes aside."""
    hay = [fold(s) for s in shown if s]
    return [door for door in expected if not any(_door_words(door) in h for h in hay)]


def safety_first(answer_text: str, safety_notice: str) -> bool:
    """The answer opens with the immediate-danger (999) line, and carries it as its notice."""
    notice = fold(safety_notice)
    return bool(notice) and "999" in notice and fold(answer_text).startswith(notice)


_NOT_REFER = re.compile(
    r"\b(do not|don't|dont|no need to|need not|should not|shouldn't|must not|there is no need to) "
    r"(make a |send a |submit a )?(refer|report)\b"
)


def tells_not_to_refer(answer_text: str) -> bool:
    """The answer tells the asker not to refer or report (it never should: unsure means ask
    the front door)."""
    return _NOT_REFER.search(fold(answer_text)) is not None


def named_authorities(text: str, aliases: dict[str, str]) -> set[str]:
    """The authorities a text names, by any of their names or aliases (alias -> authority)."""
    return {
        authority
        for alias, authority in aliases.items()
        if re.search(rf"(?<![\w&]){re.escape(alias)}(?![\w&])", text, re.IGNORECASE)
    }


def last_named_authority(turns: Sequence[str], aliases: dict[str, str]) -> str | None:
    """The council a conversation is about so far: the latest turn naming exactly one."""
    for turn in reversed(turns):
        named = named_authorities(turn, aliases)
        if len(named) == 1:
            return named.pop()
    return None
