"""Quality page: the eval report, practitioners' thumbs-down and refused questions, new eval items."""

from __future__ import annotations

import time

import streamlit as st

from assistant.feedback import LoggedQuestion
from assistant.present import escape_markdown
from assistant.quality import breakdown_rows, curated_item, failing_items, headline
from evals.items import KINDS, ItemError, append_item
from evals.runner import latest_report, report_dir, run_eval
from ui.common import curator_unlocked, feedback_store, load_assistant

assistant = load_assistant()
store = feedback_store(assistant)


def when(epoch: float) -> str:
    return time.strftime("%d %b %Y %H:%M", time.localtime(epoch))


def report_section(unlocked: bool) -> None:
    if unlocked and st.button("Run the eval suite", help="Asks every curated question; takes a minute or two."):
        bar = st.progress(0.0, text="Running the eval suite…")
        run_eval(assistant, assistant.settings,
                 progress=lambda i, n: bar.progress(i / n, text=f"Question {i} of {n}"),
                 items_path=assistant.settings.eval_items_path)
        bar.empty()
    report = latest_report(assistant.settings)
    if report is None:
        st.info("No eval report yet." + (" Run the suite above." if unlocked else " A curator can run it."))
        return
    st.caption(f"Latest report: {report.get('generated_at', 'unknown time')}, {report.get('split', 'all')} items.")
    metrics = headline(report)
    for start in range(0, len(metrics), 4):
        for column, (label, value) in zip(st.columns(4), metrics[start : start + 4], strict=False):
            column.metric(label, value)
    breakdowns = (("by_kind", "By kind of question"), ("by_authority", "By authority"))
    for key, title in breakdowns:
        st.subheader(title)
        chart = report_dir(assistant.settings) / f"{key}.png"
        if chart.exists():
            st.image(str(chart))
        st.dataframe(breakdown_rows(report, key), hide_index=True)
    failing = failing_items(report)
    st.subheader(f"Failing items ({len(failing)})")
    for item in failing:
        with st.expander(escape_markdown(f"{item['id']}: {item['question']}")):
            st.markdown("\n".join(f"- {escape_markdown(check)}" for check in item.get("failed_checks") or ()))
            st.caption(f"Kind: {item.get('kind')} · authority: {item.get('authority')}")
            st.text(item.get("answer") or "")
            for citation in item.get("citations") or ():
                st.caption(escape_markdown(
                    f"[{citation.get('n')}] {citation.get('doc_id')} § {citation.get('section')}"
                ))


def feedback_section() -> None:
    ratings = store.ratings(helpful=False)
    st.caption(f"{len(ratings)} answers rated unhelpful, newest first. Questions and comments are stored redacted.")
    for rating in ratings:
        with st.expander(escape_markdown(f"{when(rating.rated_at)} · {rating.question.question}")):
            st.markdown(f"**Comment:** {escape_markdown(rating.comment or '(none)')}")
            st.text(rating.question.answer)


def refused_section(refused: list[LoggedQuestion]) -> None:
    st.caption(f"{len(refused)} questions the assistant said the guidance does not cover: gaps to fill or to test.")
    st.dataframe(
        [{"Asked": when(q.asked_at), "Question": q.question, "Authorities": ", ".join(q.authorities) or "all"}
         for q in refused],
        hide_index=True,
    )


def add_item_section(unlocked: bool, asked: list[str]) -> None:
    if not unlocked:
        st.info("Unlock curator changes to add eval items.")
        return
    start = st.selectbox("Start from a question someone asked", ["(type a new one)", *asked])
    names = [a.name for a in assistant.manifest.authorities]
    with st.form("eval_item"):
        question = st.text_input("Question", "" if start == "(type a new one)" else start)
        kind = st.selectbox("Kind", KINDS)
        authority = st.selectbox("Authority it is about", ["(none / any)", *names])
        facts = st.text_area("Expected facts: one per line, alternative wordings separated by |",
                             placeholder="5 working days | five working days")
        doc_id = st.selectbox("Source document", ["(none: out of scope)", *assistant.manifest.doc_ids])
        section = st.text_input("Source section (heading)")
        evidence = st.text_input("Evidence: a short exact phrase from the passage")
        if not st.form_submit_button("Add eval item", type="primary"):
            return
    path = assistant.settings.eval_items_path
    try:
        item = curated_item(question, kind, None if authority.startswith("(") else authority, facts,
                            "" if doc_id.startswith("(") else doc_id, section, evidence, path,
                            corpus_dir=assistant.settings.corpus_dir)
        append_item(item, path)
    except ItemError as exc:
        st.error(f"Not added: {exc}")
        return
    st.success(f"Added eval item {item.id}. It is used from the next eval run.")


st.title("Quality")
unlocked = curator_unlocked()
refused = store.refused_questions()
report_tab, feedback_tab, refused_tab, add_tab = st.tabs(
    ["Eval report", "Unhelpful answers", "Refused questions", "Add an eval item"]
)
with report_tab:
    report_section(unlocked)
with feedback_tab:
    feedback_section()
with refused_tab:
    refused_section(refused)
with add_tab:
    add_item_section(unlocked, list(dict.fromkeys(
        [q.question for q in refused] + [r.question.question for r in store.ratings(helpful=False)]
    )))
