"""Answer presentation: quotes shown literally, citation numbers kept, used sentences highlighted."""

from assistant.present import (
    citation_label,
    escape_markdown,
    highlight_segments,
    part_view,
    passage_html,
    refusal_text,
    with_citation_marks,
)
from assistant.safety import SAFETY_LINE
from assistant.types import Answer, AuthorityAnswer, Citation, Quote


def test_markdown_and_html_in_guidance_are_shown_literally():
    assert escape_markdown("*not bold* <b>x</b> $5 :red[x]") == (
        "\\*not bold\\* \\<b\\>x\\</b\\> \\$5 \\:red\\[x\\]"
    )


def test_citation_markers_become_bold_numbers():
    assert with_citation_marks("5 days [1] or 10 [2].") == "5 days **\\[1\\]** or 10 **\\[2\\]**\\."


def test_part_view_shows_lead_and_quotes_with_each_heading_once():
    part = AuthorityAnswer(
        "City of York Council",
        "York, guide 2019",
        "Within 5 days",
        1,
        (
            Quote("Seen within 5 days.", 1, "7.1 Duty › Visits: "),
            Quote("Recorded.", 1, "7.1 Duty › Visits: "),
            Quote("Lead … item", 2, ""),
        ),
    )
    view = part_view(part)
    assert view.source == "York, guide 2019"
    assert view.lead == "**Within 5 days** **\\[1\\]**"
    assert view.quotes == (
        "_7\\.1 Duty › Visits:_ “Seen within 5 days\\.” **\\[1\\]**",
        "“Recorded\\.” **\\[1\\]**",
        "“Lead … item” **\\[2\\]**",
    )


def test_highlight_finds_sentences_across_line_breaks_and_keeps_order():
    passage = "Intro. The child is seen\nwithin 5 days. Middle. End."
    segments = highlight_segments(passage, ("End.", "The child is seen within 5 days.", "Not there."))
    assert segments == [("Intro. ", False), ("The child is seen\nwithin 5 days.", True), (" Middle. ", False),
                        ("End.", True)]
    assert "".join(text for text, _ in segments) == passage


def test_passage_html_escapes_before_marking():
    html = passage_html("<script>x</script> Seen in 5 days.", ("Seen in 5 days.",))
    assert "&lt;script&gt;" in html and ">Seen in 5 days.</mark>" in html and "<script>" not in html


def test_refusal_text_drops_the_safety_line_shown_above_it():
    answer = Answer("q", f"{SAFETY_LINE}\n\nNot covered.", True, safety_notice=SAFETY_LINE)
    assert refusal_text(answer) == "Not covered."
    structured = Answer("q", f"{SAFETY_LINE}\n\nNot covered. Ask the hub.", True, safety_notice=SAFETY_LINE,
                        refusal="Not covered. Ask the hub.")
    assert refusal_text(structured) == "Not covered. Ask the hub."


def test_citation_label_names_number_authority_heading_and_status():
    c = Citation(2, "d", "Old guide", "York", "2013", "7 Teams > 7.1 Duty", 4, "q", 0.1, status="superseded")
    assert citation_label(c) == "\\[2\\] York — 7\\.1 Duty · SUPERSEDED"


def test_a_lead_that_is_its_whole_sentence_carries_the_sentences_duty_or_guidance_label():
    part = AuthorityAnswer("Plymouth City Council", "Plymouth, report 2013", "Children should be seen soon.", 1,
                           lead_force="guidance", lead_heading="Visits: ")
    assert part_view(part).lead == "_Visits:_ **Children should be seen soon\\.** **\\[1\\]** :blue-badge[guidance]"


def test_a_hedged_answers_box_says_its_title_once():
    from assistant.present import hedge_detail
    from assistant.write import HEDGE_NOTE

    assert hedge_detail(HEDGE_NOTE) == "It is the closest the guidance comes. Check the quotes."


def test_a_hedged_answers_lead_is_not_in_bold():
    from assistant.present import part_view
    from assistant.types import AuthorityAnswer

    part = AuthorityAnswer("Riverside Council", "Riverside, procedure 2024", "Family Hub", 1)
    assert part_view(part).lead.startswith("**Family Hub**")
    assert part_view(part, sure=False).lead.startswith("Family Hub **")


def test_a_not_covered_box_says_whether_the_council_is_missing_or_only_silent():
    from assistant.present import not_covered_title

    assert not_covered_title("This library holds no guidance from Leeds: what follows …") == "Not in this library"
    assert not_covered_title("Torbay's documents in this library do not say.") == (
        "Not covered for a council you asked about"
    )


def test_a_council_unsure_beside_the_answer_is_labelled_and_its_lead_not_in_bold():
    from dataclasses import replace

    from assistant.present import part_view
    from assistant.types import AuthorityAnswer

    part = replace(AuthorityAnswer("Riverside Council", "Riverside, procedure 2024", "Family Hub", 1), unsure=True)
    view = part_view(part)
    assert view.lead.startswith("Family Hub **") and view.lead.endswith(":gray-badge[may be about something else]")
