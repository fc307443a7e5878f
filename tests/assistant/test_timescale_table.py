"""Timescales at a glance and must/should, on hand-made chunks and sentences worked by hand."""

from __future__ import annotations

import json
from types import SimpleNamespace

from assistant.force import force
from assistant.settings import Settings
from assistant.timescale_cache import load_timescales
from assistant.timescale_table import TimescaleRow, for_authority, rows_csv, timescale_rows
from assistant.timescales import extract_timescales, find_timescales
from assistant.types import Chunk, DocumentMeta


def chunk(
    authority: str,
    sentences: tuple[str, ...],
    section: str = "7.1.3 Process of work",
    status: str = "current",
    start: int = 0,
) -> Chunk:
    doc_id = authority.lower().split()[0] + ("-old" if status == "superseded" else "")
    meta = DocumentMeta(doc_id, authority, f"{authority} procedures", "procedure", "2014-04-01", "x.txt", status)
    return Chunk(
        f"{doc_id}-{start}",
        doc_id,
        " ".join(sentences),
        tuple(section.split(" > ")),
        start,
        start + 100,
        3,
        meta,
        sentences,
    )


def test_extraction_keeps_rules_and_drops_history_ages_statistics_and_rotas():
    assert extract_timescales(
        "Initial assessments will be completed within 10 working days and core assessments "
        "within a further 35 working days."
    ) == ["10 working days", "35 working days"]
    assert extract_timescales("Permanency plans will be established at their 4 month review.") == ["4 months"]
    assert extract_timescales("planned work where children have been on CP plans for over 12 months") == ["12 months"]
    assert extract_timescales("Annual Reviews of foster carers") == ["annual"]
    assert extract_timescales("ensure immediate notification to the Independent Reviewing Service") == ["immediately"]
    # never timescales: an age range, a plan name, "not immediately"
    assert extract_timescales("on children and families from -9 months to 11 years.") == []
    assert extract_timescales("Meeting the requirements of the 5 year plan") == []
    assert extract_timescales("a timely response if the allocated worker is not immediately available") == []
    assert extract_timescales("We provide an immediate response service.") == []
    # not rules (left out of the table): history, a figure for an earlier year, a proportion, a rota
    for figure in (
        "the culmination of work over the past two years",
        "In any one year we can expect to receive 1300 referrals",
        "Following 2 years of being below comparators, performance improved",
        "an improvement from 56 weeks in the previous year",
        "The reasons for a high proportion of CIN cases closing within 3 months",
        "each team has one week on duty responding to referrals",
    ):
        assert find_timescales(figure) == [], figure
    # ...but an answer may be asked for one: "how long did proceedings take the year before?"
    assert extract_timescales("an improvement from 56 weeks in the previous year") == ["56 weeks"]


def test_force_reads_the_modal_of_the_quoted_words():
    assert force("The child will be seen within a maximum of 5 working days.") == "duty"
    assert force("Strategy discussion notes must be sent within 24 hours.") == "duty"
    assert force("Staff are required to record it.") == "duty"
    assert force("Care proceedings should be completed within 26 weeks.") == "guidance"
    # an aim is guidance although it says "will"; the "must" in a later clause is about the explanation
    assert (
        force("The aim will be to see the child within 5 working days; if not, an explanation must be recorded.")
        == "guidance"
    )
    assert (
        force("It is likely to include an expectation that the child will be seen within 10 working days.")
        == "guidance"
    )
    assert force("Reviews may be brought forward.") == "guidance"
    assert force("We aim to visit within 10 days.") == "guidance"
    assert force("An audit tool will be developed with an aim to identify any learning.") == "duty"  # a purpose
    assert force("45 days from initial referral to complete the assessment.") == ""
    assert force("This is to commence on a monthly basis from May 2019.") == ""  # the month is not "may"


def test_rows_quote_the_sentence_with_event_duration_from_and_citation():
    rows = timescale_rows(
        [
            chunk(
                "Plymouth City Council",
                (
                    "There are two key time frames:",
                    "24 hours from referral/contact to decision to assess",
                    "45 days from initial referral to complete the assessment.",
                ),
            )
        ]
    )
    assert [(r.what, r.duration, r.value, r.from_when, r.force) for r in rows] == [
        ("decision to assess", "24 hours", "24 hours", "referral/contact", ""),
        ("assessment", "45 days", "45 days", "initial referral", ""),
    ]
    row = rows[1]
    assert row.quote == "45 days from initial referral to complete the assessment."
    assert row.citation == "plymouth § 7.1.3 Process of work, page 3"
    data = row.as_dict()
    assert {
        "authority",
        "what",
        "duration",
        "quote",
        "section",
        "doc_id",
        "date",
        "status",
        "force",
        "from",
        "citation",
    } <= set(data)
    assert TimescaleRow.from_dict(json.loads(json.dumps(data))) == row


def test_two_timescales_in_one_sentence_are_two_events():
    rows = timescale_rows(
        [
            chunk(
                "Bath and North East Somerset Council",
                (
                    "Initial assessments will be completed within 10 working days and core assessments within a further "
                    "35 working days.",
                    "Deputy Managers will convene strategic discussions and distribute action notes within 24 hours.",
                ),
            )
        ]
    )
    assert [(r.what, r.duration, r.force) for r in rows] == [
        ("initial assessment", "within 10 working days", "duty"),
        ("core assessment", "within a further 35 working days", "duty"),
        ("strategy discussion action notes", "within 24 hours", "duty"),
    ]


def test_councils_that_differ_sit_together_flagged_and_superseded_rows_are_marked():
    bath = chunk(
        "Bath and North East Somerset Council",
        (
            "Supervision will happen at least monthly.",
            "The child will be seen within a maximum of 5 working days.",
        ),
    )
    york = chunk("City of York Council", ("Staff receive supervision monthly.",))
    plymouth = chunk(
        "Plymouth City Council",
        (
            "It is likely to include an expectation that the child/children will be seen within the first 10 working days.",
        ),
        status="superseded",
    )
    rows = timescale_rows([york, bath, plymouth])
    assert [(r.authority.split()[0], r.what, bool(r.differs)) for r in rows] == [
        ("Bath", "child seen", True),
        ("Plymouth", "child seen", True),
        ("Bath", "supervision", False),  # both monthly: not a difference
        ("City", "supervision", False),
    ]
    assert rows[0].differs == ("Plymouth City Council: 10 working days",)
    assert rows[1].status == "superseded" and rows[1].force == "guidance"
    assert [r.authority for r in for_authority(rows, "City of York Council")] == ["City of York Council"]
    table = rows_csv(rows).splitlines()
    assert table[0].startswith("authority,what,duration") and len(table) == 5


def test_the_event_is_the_one_named_nearest_before_the_duration():
    rows = timescale_rows(
        [
            chunk(
                "Bath and North East Somerset Council",
                (
                    "All new hospital referrals will be responded immediately and referred to the appropriate Local "
                    "Authority who will assume case responsibility within 24 hours.",
                ),
            )
        ]
    )
    assert [(r.what, r.value) for r in rows] == [
        ("hospital referral response", "immediately"),
        ("case responsibility", "24 hours"),
    ]


def test_event_is_never_invented_a_sentence_without_a_known_event_shows_its_own_words():
    rows = timescale_rows(
        [
            chunk(
                "Torbay Council",
                (
                    "Provide an immediate response to those cases that meet the "
                    "threshold: undertake assessments to inform plans.",
                ),
            )
        ]
    )
    assert rows[0].what == "Provide an immediate response to those cases that meet the threshold"


class FakeStore:
    """Plumbing only: a store whose index generation and chunks the test sets."""

    def __init__(self, chunks: list[Chunk], key: str) -> None:
        self.chunks, self.key, self.reads = chunks, key, 0

    def current(self):
        return type("Generation", (), {"key": self.key})() if self.key else None

    def pointer(self):
        return {"committed_at": 1.0}

    def all_chunks(self):
        self.reads += 1
        return self.chunks


def test_table_is_built_once_per_index_generation_and_rebuilt_when_it_changes(tmp_path):
    settings = Settings(data_dir=tmp_path)
    store = FakeStore([chunk("City of York Council", ("Staff receive supervision monthly.",))], "g1")
    assert [r.what for r in load_timescales(settings, store)] == ["supervision"]
    assert [r.what for r in load_timescales(settings, store)] == ["supervision"]
    assert store.reads == 1  # the second view read the saved table, not the chunks
    store.chunks, store.key = [chunk("City of York Council", ("Notes are sent within 24 hours.",))], "g2"
    assert [r.value for r in load_timescales(settings, store)] == ["24 hours"]
    assert store.reads == 2 and len(list((tmp_path / "timescales").glob("*.json"))) == 1
    assert load_timescales(settings, FakeStore([], "")) == []  # nothing indexed yet


def test_answer_quotes_carry_a_small_duty_or_guidance_label():
    from assistant.present import part_view
    from assistant.types import AuthorityAnswer, Quote

    part = AuthorityAnswer(
        "City of York Council",
        "York, guide",
        "Within 5 days",
        1,
        (Quote("Seen within 5 days.", 1, "", "duty"), Quote("Aim to visit.", 1, "", "guidance"), Quote("A list.", 2)),
    )
    assert part_view(part).quotes == (
        "“Seen within 5 days\\.” **\\[1\\]** :orange-badge[duty]",
        "“Aim to visit\\.” **\\[1\\]** :blue-badge[guidance]",
        "“A list\\.” **\\[2\\]**",
    )


def test_councils_whose_documents_give_no_row_are_listed_in_order():
    from assistant.timescale_table import without_rows

    rows = [SimpleNamespace(authority="Riverside Council"), SimpleNamespace(authority="Hillford Council")]
    assert without_rows(rows, ["Hillford Council", "York", "Riverside Council", "Leeds"]) == ["York", "Leeds"]
