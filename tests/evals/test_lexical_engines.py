"""evals.lexical_engines: each engine finds a chunk by its own rare terms, honours the filters, and the
benchmark writes figures of the expected shape for every engine it can measure."""

import json
from collections import Counter

import pytest

from evals import lexical_engines as le

# Big enough for the shipped chunks (262) plus two synthetic councils, so copies, local words and
# superseded documents are all present; small enough to build every engine in a second.
SIZE = 600


@pytest.fixture(scope="module")
def corpus() -> list[le.LexDoc]:
    base, places = le.shipped_docs()
    return le.grow(base, places, SIZE)


def _unique_terms(corpus: list[le.LexDoc]) -> dict[str, list[str]]:
    """Each chunk's terms that no other chunk of the corpus has."""
    spread = Counter(t for d in corpus for t in set(d.terms))
    return {d.chunk_id: sorted(t for t in set(d.terms) if spread[t] == 1) for d in corpus}


def test_grown_corpus_is_varied_and_spread_over_councils(corpus):
    assert len(corpus) == SIZE
    assert len({d.chunk_id for d in corpus}) == SIZE
    copies = corpus[262:]
    assert len({d.authority for d in copies}) == 2
    assert {"current", "superseded"} == {d.status for d in copies}
    shipped = {d.chunk_id: d.terms for d in corpus[:262]}
    changed = sum(d.terms != shipped[d.chunk_id.split("@")[0]] for d in copies)
    assert changed / len(copies) > 0.9  # perturbed, not copied


@pytest.mark.parametrize("name", le.ENGINES)
def test_engine_ranks_a_chunk_first_by_its_rare_terms(name, corpus, tmp_path):
    why = le.unavailable(name)
    if why:
        pytest.skip(why)
    engine = le.engine(name)
    engine.build(corpus, tmp_path / name)
    searcher = engine.load(tmp_path / name)
    unique = _unique_terms(corpus)
    # The chunks with the most words of their own: a shipped one, a current copy, a superseded copy
    # (a copy's own words are the ones made its council's: one or two).
    rarest = lambda docs: max(docs, key=lambda d: len(unique[d.chunk_id]))  # noqa: E731
    shipped = rarest(corpus[:262])
    copy = rarest([d for d in corpus[262:] if d.status == "current"])
    old = rarest([d for d in corpus[262:] if d.status == "superseded"])
    assert len(unique[shipped.chunk_id]) >= 3 and unique[copy.chunk_id] and unique[old.chunk_id]
    for target in (shipped, copy):
        # Its rare terms plus common ones, so the engine must rank, not merely match.
        question = [*unique[target.chunk_id][:3], "child", "assessment"]
        assert searcher.search(question, 10, None, False)[0][0] == target.chunk_id
        assert searcher.search(question, 10, target.authority, True)[0][0] == target.chunk_id
        other = next(d.authority for d in corpus if d.authority != target.authority)
        assert target.chunk_id not in [cid for cid, _ in searcher.search(question, 10, other, False)]
    question = [*unique[old.chunk_id][:3], "child"]
    assert searcher.search(question, 10, None, False)[0][0] == old.chunk_id
    assert old.chunk_id not in [cid for cid, _ in searcher.search(question, 10, old.authority, True)]


def test_run_writes_figures_for_every_measurable_engine_and_keeps_the_conclusion(tmp_path):
    engines = [n for n in le.ENGINES if not le.unavailable(n)]
    (tmp_path / "lexical_engines.md").write_text("old figures\n## Conclusion\n\nWritten by hand.\n")
    report = le.run([SIZE], tmp_path, engines)
    written = json.loads((tmp_path / "lexical_engines.json").read_text())
    assert written["sizes"].keys() == {str(SIZE)}
    figures = written["sizes"][str(SIZE)]["engines"]
    assert list(figures) == engines == list(report["sizes"][str(SIZE)]["engines"])
    for name, f in figures.items():
        assert "error" not in f, f
        assert f["build_s"] > 0 and f["disk_mb"] > 0 and f["load_s"] > 0
        for label in ("unfiltered", "filtered"):
            assert f[label]["asked"] == f[label]["of"] == written["sizes"][str(SIZE)]["questions"]
            assert 0 < f[label]["p50_ms"] <= f[label]["p95_ms"]
            assert 0.5 <= f[label]["overlap_rank_bm25"] <= 1.0, name  # the same kind of ranking
    assert figures["rank_bm25"]["unfiltered"]["overlap_rank_bm25"] == 1.0
    markdown = (tmp_path / "lexical_engines.md").read_text()
    assert f"## {SIZE:,} documents" in markdown
    assert all(f"| {name} | " in markdown for name in engines)
    assert "old figures" not in markdown and markdown.endswith("## Conclusion\n\nWritten by hand.\n")
