"""End-to-end practitioner questions over the shipped corpus (real model, real Chroma in a temp dir).

Each factual case is a question a newly qualified social worker, teacher, health visitor or
police officer might ask. A case passes only when
  (a) the assistant answers (does not abstain),
  (b) the answer text states the expected fact (case-insensitive; any listed alternative), and
  (c) a citation from the expected document has a quote that contains that same fact,
so the fact is traceable to a cited passage, not merely present somewhere in the answer.

Facts are quoted as the documents word them. These questions are deliberately worded
differently from evals/items.yaml: the eval set is a separate measurement.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

BATH = "bathnes-cypss-service-statement-2013"
PLYMOUTH = "plymouth-childrens-social-care-2013"
STOCKTON = "stockton-children-in-need-review-2019"
TORBAY = "torbay-childrens-safeguarding-service"
YORK = "york-childrens-social-care-targeted-help"


def case(question, fact, doc_id, id, authorities=None):  # noqa: A002 - mirrors pytest.param
    """One question; `fact` is a string or a tuple of acceptable wordings of the same fact."""
    alternatives = (fact,) if isinstance(fact, str) else tuple(fact)
    return pytest.param(question, alternatives, doc_id, authorities, id=id)


FACT_CASES = [
    # ---------------------------------------------------------------- Bath and North East Somerset
    case("I'm starting on the duty team in Bath - what's the longest I can take before I actually see a child who has just been referred?",
         ("5 working days", "five working days"), BATH, "bathnes-see-child-duty-team"),
    case("What caseload range should a full-time qualified social worker expect in B&NES?",
         ("no more than 25 cases", "25 cases"), BATH, "bathnes-caseload-maximum"),
    case("How many qualified social workers have to be on each session of the B&NES duty rota?",
         ("minimum of 2 QSWs per session", "2 QSWs"), BATH, "bathnes-duty-rota-minimum-qsws"),
    case("What's the ratio of practitioners to each manager in Bath's children's specialist service?",
         ("6 practitioner staff to each Manager", "six practitioner staff"), BATH, "bathnes-manager-ratio"),
    case("As an NQSW in my ASYE in Bath and North East Somerset, how often will I get supervision?",
         ("weekly or fortnightly",), BATH, "bathnes-asye-supervision-frequency"),
    case("A child is newly accommodated under section 20 in BANES - until what point does the duty social worker stay the case holder?",
         ("4 week review", "four week review"), BATH, "bathnes-s20-duty-caseholder-until"),
    case("Which panel do completed assessments of prospective adopters go to in Bath?",
         ("Adoption and Permanence Panel",), BATH, "bathnes-adopter-assessment-panel"),
    case("Roughly how many referrals a year does the Bath and North East Somerset specialist service expect?",
         ("1300 referrals", "1,300 referrals"), BATH, "bathnes-referrals-per-year"),
    case("How long has the service got to respond to a brand new referral?",
         ("24 hours", "twenty-four hours"), BATH, "bathnes-new-referral-response-authority-param",
         authorities=["Bath and North East Somerset Council"]),

    # ---------------------------------------------------------------- Plymouth
    case("Under Plymouth's new single assessment framework, how soon is the child likely to have to be seen?",
         ("10 working days", "ten working days"), PLYMOUTH, "plymouth-see-child-single-assessment"),
    case("Which teams in Plymouth assess children's needs in the first instance?",
         ("Advice and Assessment",), PLYMOUTH, "plymouth-first-assessment-teams"),
    case("Before the 26 week target, how long were care proceedings taking in Plymouth the previous year?",
         ("56 weeks", "fifty-six weeks"), PLYMOUTH, "plymouth-care-proceedings-previous-year"),
    case("Who is leading the implementation of the Working Together 2013 changes in Plymouth?",
         ("Plymouth Safeguarding Children Board", "PSCB"), PLYMOUTH, "plymouth-wt2013-implementation-lead"),
    case("By what percentage did referrals to Plymouth children's social care go up last year?",
         ("10%", "10 per cent"), PLYMOUTH, "plymouth-referral-increase"),
    case("Where is Plymouth's new team for children who go missing from home based?",
         ("youth service",), PLYMOUTH, "plymouth-missing-children-team-base"),
    case("What is the time frame for completing an assessment counted from the initial referral?",
         ("45 days", "forty-five days"), PLYMOUTH, "plymouth-assessment-45-days-authority-param",
         authorities=["Plymouth"]),

    # ---------------------------------------------------------------- Stockton-on-Tees
    case("In Stockton, how many days does the Assessment Team get to complete an assessment?",
         ("45 day assessment period",), STOCKTON, "stockton-assessment-period"),
    case("How many new child in need referrals did Stockton-on-Tees get between April 2017 and March 2018?",
         ("2334",), STOCKTON, "stockton-cin-referrals-2017-18"),
    case("Where is Stockton's FGC team now based?",
         ("Stirling House",), STOCKTON, "stockton-fgc-team-location"),
    case("Which substance misuse service is a worker being embedded in the Stockton FGC service from?",
         ("CGL",), STOCKTON, "stockton-fgc-substance-misuse-partner"),
    case("When did Stockton start using Signs of Safety language in its documentation?",
         ("April 2016",), STOCKTON, "stockton-signs-of-safety-start"),
    case("How many cases referred to Stockton's Assessment Team in July 2018 were audited?",
         ("219",), STOCKTON, "stockton-july-2018-assessment-audit"),
    case("What is the Early Help category in the Stockton Information Directory called?",
         ("Help Point",), STOCKTON, "stockton-information-directory-early-help"),

    # ---------------------------------------------------------------- Torbay
    case("How many families a week does the Assessment Resource Centre in Torbay work with?",
         ("70 families", "seventy families"), TORBAY, "torbay-arc-families-per-week"),
    case("When did Torbay's Safeguarding and Family Support Service come into effect?",
         ("1st June 2014", "1 June 2014"), TORBAY, "torbay-sfss-start-date"),
    case("How many social workers are in each pod of Torbay's child protection service?",
         ("7 social workers", "seven social workers"), TORBAY, "torbay-pod-size"),
    case("How many children in need does Torbay currently have?",
         ("1043",), TORBAY, "torbay-current-cin-number"),
    case("Can a family group conference in Torbay go ahead without the parents agreeing?",
         ("consent from an adult with parental responsibility",), TORBAY, "torbay-fgc-consent"),
    case("What times of day does Torbay's Intensive Family Support Service offer a crisis response?",
         ("9am to 5pm",), TORBAY, "torbay-ifss-crisis-hours"),
    case("How many child protection placements are there at the moment in Torbay?",
         ("156",), TORBAY, "torbay-cp-placements"),

    # ---------------------------------------------------------------- York
    case("How many Referral and Assessment social work teams are there in York?",
         ("three Referral and Assessment Social Work Teams",), YORK, "york-number-of-ra-teams"),
    case("I'm a police officer in York and a youth worker has been accused of harming a child - which service manages allegations against people who work with children?",
         ("Local Authority Designated Officer", "LADO"), YORK, "york-allegations-against-staff"),
    case("Which programme does York use for children showing harmful sexual behaviour?",
         ("Good Lives",), YORK, "york-harmful-sexual-behaviour-programme"),
    case("What evidence based programme does York offer for substance misuse?",
         ("Changing Lives",), YORK, "york-substance-misuse-programme"),
    case("How many Child and Family Support Workers are in York's Immediate Response and Edge of Care service?",
         ("four experienced Child and Family Support Workers",), YORK, "york-edge-of-care-staffing"),
    case("Which parenting programmes do York's Child in Need teams use?",
         ("Mellow Parenting", "Parenting Puzzle"), YORK, "york-cin-parenting-programmes"),
    case("Who offers expert advice across the service on child sexual abuse and exploitation?",
         ("dedicated Advanced Practitioner role",), YORK, "york-csa-cse-advice-authority-param",
         authorities=["City of York Council"]),
]

# Known gaps. The first four were measured 2026-11-23 with the hand-set refusal threshold and
# still fail with the fitted answerability model (2026-11-25); the next three are new with it.
# Session 6 (council names no longer question terms, English words no longer "repaired") fixed four
# (duty-team seeing time, manager ratio, referrals a year, Help Point) and broke the last two:
# their councils' own names in their sentences and headings had been lifting them over the line.
# Session 7 (a sentence's share of the question's terms counts a glossary entry as one thing, however
# either side spells it) fixed four: caseload maximum, Stockton's assessment period, FGC consent
# and the pod size; the sentence margin's refit (0.12 -> 0.30) fixed the CGL partner.
# Strict: when a change fixes one, its XPASS fails the run so the entry must be removed.
KNOWN_GAPS = {
    "stockton-fgc-team-location": "the Stirling House sentence scores 0.44 against 0.56 for general FGC sentences",
    "york-cin-parenting-programmes": "the sentence naming the programmes scores below the refusal threshold",
    "plymouth-referral-increase": "refused: the 10% sentence ranks 2nd and the question's "
    "'percentage' and 'go up' are not its words ('increased ... by 10%')",
}


def _with_known_gaps(params: list) -> list:
    return [pytest.param(*p.values, id=p.id, marks=pytest.mark.xfail(reason=KNOWN_GAPS[p.id], strict=True))
            if p.id in KNOWN_GAPS else p for p in params]


FACT_CASES = _with_known_gaps(FACT_CASES)


def _describe(answer) -> str:
    cites = "\n".join(
        f"  [{c.n}] {c.doc_id} | {c.section} | used={list(c.used_sentences)}" for c in answer.citations
    )
    return f"\nANSWER (abstained={answer.abstained}):\n{answer.text}\nCITATIONS:\n{cites or '  (none)'}"


@pytest.mark.parametrize("question,alternatives,doc_id,authorities", FACT_CASES)
def test_question_states_cited_fact(assistant, question, alternatives, doc_id, authorities):
    answer = assistant.ask(question, authorities=authorities)
    detail = _describe(answer)
    assert not answer.abstained, f"abstained: {answer.abstain_reason}{detail}"
    text = answer.text.lower()
    stated = [alt for alt in alternatives if alt.lower() in text]
    assert stated, f"answer does not state any of {alternatives}{detail}"
    traced = [
        c for c in answer.citations
        if c.doc_id == doc_id and any(alt.lower() in c.quote.lower() for alt in stated)
    ]
    assert traced, f"no citation from {doc_id} quotes {stated}{detail}"


# ---------------------------------------------------------------- coverage of the case list itself

def test_every_document_has_at_least_five_questions():
    counts = {doc: 0 for doc in (BATH, PLYMOUTH, STOCKTON, TORBAY, YORK)}
    for param in FACT_CASES:
        counts[param.values[2]] += 1
    assert len(FACT_CASES) >= 30
    assert all(n >= 5 for n in counts.values()), counts


# ---------------------------------------------------------------- out of scope: must abstain, no citations

OUT_OF_SCOPE = [
    pytest.param("Can an approved mental health professional section a 15-year-old under the Mental Health Act, and for how long?",
                 id="oos-mental-health-act-sectioning"),
    pytest.param("How do I help a 17-year-old care leaver apply for a Universal Credit advance payment?",
                 id="oos-universal-credit-advance"),
    pytest.param("How much annual leave can I carry over into next year as a council social worker?",
                 id="oos-annual-leave-carry-over"),
    pytest.param("What is the maximum daily dose of paracetamol a foster carer can give a 6-year-old?",
                 id="oos-paracetamol-dosage"),
    pytest.param("How many weeks of full maternity pay does a council social worker get?",
                 id="oos-maternity-pay"),
]
OUT_OF_SCOPE = _with_known_gaps(OUT_OF_SCOPE)


@pytest.mark.parametrize("question", OUT_OF_SCOPE)
def test_out_of_scope_question_abstains(assistant, question):
    answer = assistant.ask(question)
    assert answer.abstained, f"should have abstained{_describe(answer)}"
    assert answer.citations == (), _describe(answer)


# ---------------------------------------------------------------- immediate danger

def test_immediate_danger_puts_safety_notice_first(assistant):
    answer = assistant.ask(
        "A pupil has just told me she is being hurt at home tonight and is scared to go back - what should I do?"
    )
    assert answer.safety_notice, _describe(answer)
    assert answer.text.startswith(answer.safety_notice), _describe(answer)
    assert "999" in answer.safety_notice


# ---------------------------------------------------------------- a named council limits the citations

def test_named_council_cites_only_that_council(assistant):
    answer = assistant.ask("In York, which team holds children who are on child protection plans?")
    assert not answer.abstained, _describe(answer)
    assert answer.citations, _describe(answer)
    assert {c.doc_id for c in answer.citations} == {YORK}, _describe(answer)
    assert all(c.authority == "City of York Council" for c in answer.citations), _describe(answer)


# ---------------------------------------------------------------- different councils, different timescales

def test_unqualified_question_reports_conflicting_timescales(assistant):
    answer = assistant.ask(
        "I'm a health visitor and I've just made a referral to children's social care - "
        "within how many working days should a social worker see the child?"
    )
    detail = _describe(answer)
    assert not answer.abstained, detail
    text = answer.text.lower()
    assert "5 working days" in text or "five working days" in text, detail
    assert "10 working days" in text or "ten working days" in text, detail
    cited = {c.doc_id for c in answer.citations}
    assert BATH in cited and PLYMOUTH in cited, detail
    assert any(c.doc_id == BATH and "5 working days" in c.quote for c in answer.citations), detail
    assert any(c.doc_id == PLYMOUTH and "10 working days" in c.quote for c in answer.citations), detail
    assert answer.conflicts, f"no conflict noted{detail}"
