from assistant.fuse import reciprocal_rank_fusion
from assistant.safety import immediate_danger, redact
from assistant.timescales import extract_timescales


def test_rrf_hand_worked():
    # a: 1/61 + 1/62 ; b: 1/62 + 1/61 ; c: 1/63
    fused = dict(reciprocal_rank_fusion([["a", "b", "c"], ["b", "a"]], k=60))
    assert abs(fused["a"] - (1 / 61 + 1 / 62)) < 1e-12
    assert abs(fused["c"] - 1 / 63) < 1e-12
    assert reciprocal_rank_fusion([["x"], ["y", "x"]])[0][0] == "x"


def test_timescales_normalised_and_ages_ignored():
    assert extract_timescales("seen within a maximum of five working days") == ["5 working days"]
    assert extract_timescales("responded to within 48 hours (or same day if required)") == ["48 hours", "same day"]
    assert extract_timescales("parents of children aged 5 – 11 years") == []
    assert extract_timescales("a Child Protection Plan ends when the child has reached 18 years of age") == []
    assert extract_timescales("completed within 5 working days of the age assessment request") == ["5 working days"]


def test_danger_and_redaction():
    assert immediate_danger("a child is in immediate danger at home")
    assert not immediate_danger("who applies for an emergency protection order?")
    assert immediate_danger("A child has just told me her stepdad is hitting her right now, what do I do?")
    assert immediate_danger("her dad keeps hitting her")
    assert not immediate_danger("How soon must a child who has been hit be seen after a referral?")
    assert not immediate_danger("What does the Safeguarding Hub do today?")
    red = redact("Mrs Smith called about child Jayden, DOB 01/02/2015, tel 07700 900123, BS1 4DJ")
    assert "Smith" not in red and "Jayden" not in red and "07700" not in red and "BS1" not in red


def test_unknown_terms_skip_corpus_words_typos_stems_and_acronyms():
    from assistant.query import Glossary, unknown_terms

    vocab = frozenset({"referral", "referrals", "child", "assessment", "seen"})
    glossary = Glossary({"ICPC": ("initial child protection conference",)})
    got = unknown_terms("melatonin dose for a child after referrals and ICPCs assessments", vocab, glossary)
    assert got == ("melatonin", "dose")
    assert unknown_terms("anything at all", frozenset(), glossary) == ()  # no index yet: no signal


def test_a_contraction_is_its_words_not_a_fragment_that_becomes_a_rare_term():
    from assistant.query import content_terms, tokens

    assert tokens("they're planning") == ["they", "planning"]
    assert tokens("they won’t let us see the child") == ["they", "will", "not", "let", "us", "see", "the", "child"]
    assert tokens("it doesn't, she can't, I've asked") == ["it", "does", "not", "she", "can", "not", "i", "asked"]
    assert content_terms("a baby who isn't crawling") == ["baby", "crawl"]
    assert tokens("the child's plan, the parents' views") == ["the", "child", "plan", "the", "parents", "views"]


def test_contractions_typed_without_the_apostrophe_and_ied_stems():
    from assistant.query import content_terms, stem, tokens

    assert tokens("if the core group cant carry it out") == [
        "if",
        "the",
        "core",
        "group",
        "can",
        "not",
        "carry",
        "it",
        "out",
    ]
    assert tokens("theyre saying it doesnt apply, im worried") == [
        "they",
        "saying",
        "it",
        "does",
        "not",
        "apply",
        "i",
        "worried",
    ]
    assert tokens("were they well?") == ["were", "they", "well"]  # words of their own are left alone
    assert stem("carried") == stem("carries") == stem("carry") == "carry"
    assert set(content_terms("carry out the plan")) <= set(content_terms("the plan cannot be carried out"))
