"""The LangChain edge: our retriever in an ordinary LangChain chain, and the answer Runnable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from langchain_core.documents import Document
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableParallel, RunnablePassthrough

from assistant.langchain_edge import user_questions

ROOT = Path(__file__).resolve().parents[2]

PROVENANCE = {"doc_id", "authority", "title", "date", "section", "page", "status", "score", "chunk_id"}


def format_docs(docs: list[Document]) -> str:
    return "\n\n".join(f"[{d.metadata['authority']} — {d.metadata['title']}]\n{d.page_content}" for d in docs)


@pytest.mark.slow
def test_retriever_composes_in_a_langchain_chain_with_provenance(assistant):
    from assistant import GuidanceRetriever

    retriever = GuidanceRetriever(assistant=assistant, authorities=["York"], k=4)
    prompt = ChatPromptTemplate.from_template("Answer from the context.\n{context}\n\nQuestion: {question}")
    llm = FakeListChatModel(responses=["The Referral and Assessment Team [1]."])
    chain = RunnableParallel(docs=retriever, question=RunnablePassthrough()) | RunnablePassthrough.assign(
        context=lambda x: format_docs(x["docs"]),
        reply=(lambda x: {"context": format_docs(x["docs"]), "question": x["question"]})
        | prompt
        | llm
        | StrOutputParser(),
    )
    out = chain.invoke("Which York team does S47 enquiries?")
    docs = out["docs"]
    assert 1 <= len(docs) <= 4 and out["reply"] == "The Referral and Assessment Team [1]."
    titles = {d.doc_id: d.title for d in assistant.manifest.documents}
    for doc in docs:
        assert doc.metadata.keys() >= PROVENANCE
        assert doc.metadata["authority"] == "City of York Council" and doc.metadata["status"] == "current"
        assert doc.metadata["title"] == titles[doc.metadata["doc_id"]]  # provenance from the index, not text
        assert doc.id == doc.metadata["chunk_id"] and doc.page_content
        assert f"[City of York Council — {doc.metadata['title']}]" in out["context"]
    assert [d.metadata["score"] for d in docs] == sorted((d.metadata["score"] for d in docs), reverse=True)


@pytest.mark.slow
def test_answer_runnable_takes_a_string_or_a_request_with_history(assistant):
    from assistant import answer_runnable

    runnable = answer_runnable(assistant)
    plain = runnable.invoke("Which York team does S47 enquiries?")
    assert not plain.abstained and plain.authorities == ["City of York Council"] and "[1]" in plain.text
    # A short follow-up is read with the question before it, for the council it names.
    follow = answer_runnable(assistant, as_dict=True).invoke(
        {"question": "What about Bath?", "history": [{"role": "user", "content": "How soon is a child seen in York?"}]}
    )
    assert follow["authorities"] == ["Bath and North East Somerset Council"]
    assert follow["citations"] and all(c["authority"] == follow["authorities"][0] for c in follow["citations"])


def test_history_keeps_the_questions_asked():
    history = [
        ("user", "How soon must a child be seen in York?"),
        ("assistant", "Within 5 working days [1]."),
        {"role": "user", "content": "Who does S47 enquiries?"},
        HumanMessage("What about Bath?"),
        AIMessage("The Referral and Assessment Team [1]."),
    ]
    assert user_questions(history) == [
        "How soon must a child be seen in York?",
        "Who does S47 enquiries?",
        "What about Bath?",
    ]


@pytest.mark.slow
def test_readme_langchain_example_runs(assistant, monkeypatch, capsys):
    import assistant.service as service

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"<!-- langchain-example -->\s*```python\n(.*?)```", readme, re.DOTALL).group(1)
    monkeypatch.setattr(service, "GuidanceAssistant", lambda *a, **k: assistant)  # the session's index
    exec(compile(code, "README.md", "exec"), {"__name__": "readme_example"})
    printed = capsys.readouterr().out
    assert "[City of York Council, " in printed  # the retriever's provenance, formatted
    assert "Bath and North East Somerset" in printed and "[1]" in printed  # the follow-up, answered for Bath
