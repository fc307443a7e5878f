"""Scoring of the conversation and partner kinds on hand-made answers (no index, no model)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant.types import Answer, AuthorityAnswer, Citation
from evals import metrics as m
from evals.items import EvalItem, ItemError, Source, _item
from evals.runner import accepts_keyword, aggregate, evaluate, score_item
from indexing.manifest import Authority

BATH = "Bath and North East Somerset Council"
PLYMOUTH = "Plymouth City Council"
TORBAY = "Torbay Council"
ALIASES = {
    BATH: BATH,
    "Bath": BATH,
    "B&NES": BATH,
    PLYMOUTH: PLYMOUTH,
    "Plymouth": PLYMOUTH,
    TORBAY: TORBAY,
    "Torbay": TORBAY,
}
AUTHORITY_OF = {"bathnes": BATH, "plymouth": PLYMOUTH, "torbay": TORBAY}
DOORS = {
    BATH: "the Contact, Referral and Assessment Service in the Children and Families Assessment and Intervention Team",
    PLYMOUTH: "the Advice and Assessment teams",
    TORBAY: "the Safeguarding Hub (MASH)",
}
SAFETY = (
    "If a child is in immediate danger, call 999 now. Then make an urgent referral to children's services "
    "(out of hours, the Emergency Duty Service). Do not wait for guidance."
)
PLYMOUTH_EVIDENCE = "include an expectation that the child/children will be seen within the first 10 working days"


def item(**fields) -> EvalItem:
    base = dict(id="x-01", question="q", kind="partner", authority=None, expected_facts=(), sources=())
    return EvalItem(**{**base, **fields})


def plymouth_answer(question: str = "and in Plymouth?", **changes) -> Answer:
    citation = Citation(
        1,
        "plymouth",
        "Ambitious Plymouth",
        PLYMOUTH,
        "2013-08-12",
        "Working Together to Safeguard Children 2013",
        None,
        PLYMOUTH_EVIDENCE,
        0.9,
    )
    part = AuthorityAnswer(PLYMOUTH, "Plymouth, performance report 2013", "within the first 10 working days", 1)
    fields = dict(
        question=question,
        text=f'Within the first 10 working days [1] — Plymouth.\n"{PLYMOUTH_EVIDENCE}" [1]',
        abstained=False,
        citations=(citation,),
        parts=(part,),
    )
    return Answer(**{**fields, **changes})


def partner_answer(doors: tuple[str, ...], safety: str = "", **changes) -> Answer:
    lines = [f"{a}: contact {DOORS[a]} (no phone number recorded)." for a in doors]
    text = "\n".join([safety, *lines] if safety else lines)
    return Answer(
        **{**dict(question="q", text=text, abstained=False, safety_notice=safety, front_doors=tuple(lines)), **changes}
    )


def score(it: EvalItem, answer: Answer, ranked=()) -> dict:
    return score_item(it, answer, list(ranked), ALIASES, AUTHORITY_OF, DOORS)


# ---------------------------------------------------------------- partner


def test_partner_item_naming_its_front_door_and_999_line_passes():
    it = item(
        question="He is hitting her right now in Torbay, who do I call?", authority=TORBAY, front_door=True, safety=True
    )
    record = score(it, partner_answer((TORBAY,), SAFETY))
    assert record["passed"], record["failed_checks"]
    assert record["front_door_named"] == 1.0 and record["safety_first"] == 1.0
    assert record["fact_recall"] is None and record["hit_at_5"] is None  # judged without facts
    assert record["authority"] == TORBAY and record["front_doors_shown"]


def test_partner_refusal_is_its_own_failed_check():
    it = item(question="Where do I send a referral in Torbay?", authority=TORBAY, front_door=True)
    refused = Answer(question="q", text="The guidance does not cover this.", abstained=True)
    record = score(it, refused)
    assert not record["passed"]
    assert record["failed_checks"][0] == "refused a partner's question"
    assert "front door not named: the Safeguarding Hub (MASH) (Torbay Council)" in record["failed_checks"]
    assert record["front_door_named"] == 0.0


def test_partner_front_door_of_another_council_does_not_count():
    it = item(question="Where do I send it in Plymouth?", authority=PLYMOUTH, front_door=True)
    record = score(it, partner_answer((TORBAY,)))
    assert record["failed_checks"] == ["front door not named: the Advice and Assessment teams (Plymouth City Council)"]


def test_partner_with_no_council_needs_every_front_door():
    it = item(question="I'm worried about a pupil, who do I contact?", front_door=True)
    assert score(it, partner_answer((BATH, PLYMOUTH, TORBAY)))["passed"]
    record = score(it, partner_answer((BATH, TORBAY)))
    assert record["failed_checks"] == ["front door not named: the Advice and Assessment teams (Plymouth City Council)"]
    assert record["authority"] == "none named (partner)"


def test_front_door_matched_without_its_leading_the_and_in_any_case():
    assert m.front_doors_missing(["the Children's Hub"], ["Stockton: contact Stockton’s CHILDREN’S HUB."]) == []
    assert m.front_doors_missing(["the Children's Hub"], ["Stockton: contact the Hub."]) == ["the Children's Hub"]


def test_partner_safety_line_must_come_first_and_be_the_notice():
    it = item(question="A baby is home alone right now in Torbay", authority=TORBAY, front_door=True, safety=True)
    no_line = score(it, partner_answer((TORBAY,)))
    assert no_line["failed_checks"] == ["safety: the answer does not start with the 999 line"]
    assert no_line["safety_first"] == 0.0
    late = partner_answer((TORBAY,), "")
    late = Answer(**{**late.__dict__, "text": late.text + "\n" + SAFETY, "safety_notice": SAFETY})
    assert not score(it, late)["passed"]  # present, but not first
    assert m.safety_first(SAFETY + "\nTorbay: …", SAFETY)
    assert not m.safety_first("Call someone.", "Call someone.")  # a notice without the 999 line


def test_partner_told_not_to_refer_fails():
    it = item(question="Should I refer? Torbay", authority=TORBAY)
    answer = partner_answer((TORBAY,))
    answer = Answer(**{**answer.__dict__, "text": answer.text + "\nYou do not need to... you should not refer this."})
    assert score(it, answer)["failed_checks"] == ["told a partner not to refer"]
    assert not m.tells_not_to_refer("Contacts that do not meet the threshold get advice and guidance.")


def test_partner_item_with_facts_is_also_scored_on_them():
    ev = "provide advice and guidance to referrers about those which do not meet that threshold"
    it = item(
        question="Not sure it meets the threshold in Bath, who do I ask?",
        authority=BATH,
        front_door=True,
        expected_facts=(("advice and guidance",),),
        sources=(Source("bathnes", "7.1.3", ev),),
    )
    record = score(it, partner_answer((BATH,)), ranked=[("bathnes", ev)])
    assert record["failed_checks"] == [
        f"authority: expected {BATH}, answer cites nothing",  # the front door alone quotes no guidance
        "missing fact: advice and guidance",
        "expected source not cited: bathnes § 7.1.3",
    ]
    assert record["fact_recall"] == 0.0 and record["hit_at_5"] == 1.0 and record["front_door_named"] == 1.0


# ---------------------------------------------------------------- conversation


def conv(**fields) -> EvalItem:
    base = dict(
        id="c-01",
        question="and in Plymouth?",
        kind="conversation",
        authority=PLYMOUTH,
        expected_facts=(("10 working days",),),
        sources=(Source("plymouth", "WT", PLYMOUTH_EVIDENCE),),
        history=("How soon must a child be seen after a referral in Bath?",),
    )
    return EvalItem(**{**base, **fields})


def test_conversation_item_scored_on_its_last_turn():
    record = score(conv(), plymouth_answer(), ranked=[("plymouth", PLYMOUTH_EVIDENCE)])
    assert record["passed"], record["failed_checks"]
    assert record["history"] == ["How soon must a child be seen after a referral in Bath?"]
    assert record["standalone"] is False


def test_follow_up_without_a_council_keeps_to_the_conversations_council():
    """'and a core assessment?' after a Plymouth question: citing Bath as well is wrong."""
    it = conv(question="and the assessment itself?", history=("how soon is a child seen in Plymouth",))
    bath = Citation(2, "bathnes", "Service statement", BATH, "2013", "7.1.3", None, "seen within 5 working days", 0.5)
    answer = plymouth_answer(citations=(*plymouth_answer().citations, bath))
    record = score(it, answer, ranked=[("plymouth", PLYMOUTH_EVIDENCE)])
    assert record["authority_correct"] == 0.0 and not record["passed"]
    assert score(it, plymouth_answer(), ranked=[("plymouth", PLYMOUTH_EVIDENCE)])["passed"]


def test_standalone_last_turn_must_not_inherit_the_earlier_council():
    it = conv(
        question="What is a family group conference?",
        authority=TORBAY,
        standalone=True,
        expected_facts=(("decision making process",),),
        sources=(Source("torbay", "FGC", "A Family Group Conference (FGC) is a decision making process"),),
        history=("How soon must a child be seen in Plymouth?",),
    )
    inherited = Answer(
        question=it.question,
        text="Plymouth's documents in this library do not say.",
        abstained=True,
        not_covered=(PLYMOUTH,),
        authority_filter=(PLYMOUTH,),
    )
    record = score(it, inherited)
    assert "standalone question inherited Plymouth City Council from the earlier turns" in record["failed_checks"]
    assert record["standalone"] is True
    assert aggregate([{**record, "latency_ms": 1.0}])["standalone_pass_rate"] == 0.0


def test_aggregate_reports_partner_checks():
    it = item(question="Where do I send it in Torbay?", authority=TORBAY, front_door=True, safety=True)
    records = [score(it, partner_answer((TORBAY,), SAFETY)), score(it, Answer(question="q", text="no", abstained=True))]
    out = aggregate(records)
    assert out["front_door_named"] == 0.5 and out["safety_first"] == 0.5 and out["partner_refused"] == 1
    assert out["wrong_refusal_rate"] == 0.5  # a refused partner is a wrong refusal
    assert aggregate([])["partner_refused"] is None


# ---------------------------------------------------------------- items and the runner


def test_items_load_history_and_flags_and_reject_misplaced_ones():
    entry = dict(
        id="c-01",
        question="and in Plymouth?",
        kind="conversation",
        authority=PLYMOUTH,
        expected_facts=[["10 working days"]],
        sources=[{"doc_id": "plymouth", "section": "WT", "evidence": PLYMOUTH_EVIDENCE}],
        history=["How soon in Bath?"],
        standalone=False,
    )
    loaded = _item(entry, 1)
    assert loaded.history == ("How soon in Bath?",) and not loaded.single_question
    with pytest.raises(ItemError, match="needs a history"):
        _item({**entry, "history": []}, 1)
    with pytest.raises(ItemError, match="only conversation, out_of_scope items have a history"):
        _item({**entry, "kind": "timescale"}, 1)
    # an unanswerable follow-up: refused like any out-of-scope question, asked with its history
    follow_up = _item({**entry, "kind": "out_of_scope", "authority": None, "expected_facts": [], "sources": []}, 1)
    assert follow_up.history == ("How soon in Bath?",) and not follow_up.answerable
    partner = _item(
        dict(
            id="p-01",
            question="Where do I send it in Torbay?",
            kind="partner",
            authority=TORBAY,
            expected_facts=[],
            sources=[],
            front_door=True,
            safety=False,
        ),
        1,
    )
    assert partner.front_door and not partner.safety and partner.answerable
    with pytest.raises(ItemError, match="true or false"):
        _item(dict(id="p-02", question="q", kind="partner", authority=None, front_door="yes"), 1)
    with pytest.raises(ItemError, match="needs expected_facts"):
        _item(dict(id="t-01", question="q", kind="timescale", authority=BATH), 1)


class _Assistant:
    """Enough of GuidanceAssistant for `evaluate`: records what ask_traced was given."""

    def __init__(self, takes_history: bool) -> None:
        self.calls: list[dict] = []
        self.aliases = ALIASES
        self.manifest = SimpleNamespace(
            documents=[SimpleNamespace(doc_id=d, authority=a) for d, a in AUTHORITY_OF.items()],
            authorities=[Authority(name=a, front_door=door) for a, door in DOORS.items()],
        )
        if takes_history:
            self.ask_traced = self._with_history
        else:
            self.ask_traced = self._without_history

    def ask(self, question: str) -> Answer:
        return plymouth_answer(question)

    def _without_history(self, question, authorities=None, include_superseded=False, mode=None, use_glossary=True):
        self.calls.append({"question": question})
        return plymouth_answer(question), []

    def _with_history(
        self, question, authorities=None, include_superseded=False, mode=None, use_glossary=True, history=None
    ):
        self.calls.append({"question": question, "history": history})
        return plymouth_answer(question), []


def test_evaluate_sends_history_only_when_ask_traced_takes_it():
    items = [conv(), item(question="Where do I send it in Plymouth?", authority=PLYMOUTH, front_door=True)]
    old = _Assistant(takes_history=False)
    records = evaluate(old, items)
    assert old.calls == [{"question": "and in Plymouth?"}, {"question": "Where do I send it in Plymouth?"}]
    assert records[0]["history_sent"] is False and records[1]["history_sent"] is None
    new = _Assistant(takes_history=True)
    records = evaluate(new, items)
    assert new.calls[0]["history"] == ["How soon must a child be seen after a referral in Bath?"]
    assert new.calls[1]["history"] is None  # single-turn items are asked exactly as before
    assert records[0]["history_sent"] is True
    assert records[1]["failed_checks"] == [
        "front door not named: the Advice and Assessment teams (Plymouth City Council)"
    ]


def test_accepts_keyword():
    def f(question, history=None): ...
    def g(question, **kwargs): ...
    def h(question): ...

    assert accepts_keyword(f, "history") and accepts_keyword(g, "history") and not accepts_keyword(h, "history")


def test_report_shows_earlier_turns_and_the_follow_up_table():
    from evals.report import markdown
    from evals.runner import breakdown

    records = [
        {**score(conv(), plymouth_answer()), "history_sent": False},
        score(item(question="Where do I send it in Torbay?", authority=TORBAY, front_door=True), partner_answer(())),
    ]
    report = {
        **aggregate(records),
        "split": "all",
        "generated_at": "now",
        "seconds": 1.0,
        "settings": {},
        "by_split": breakdown(records, "split"),
        "by_kind": breakdown(records, "kind"),
        "by_authority": breakdown(records, "authority"),
        "details": records,
    }
    text = markdown(report)
    assert "## Conversations and partners" in text and "WITHOUT their earlier turns" in text
    assert "**Earlier turn 1:** How soon must a child be seen after a referral in Bath?" in text
    assert "front door not named: the Safeguarding Hub (MASH) (Torbay Council)" in text
