"""A section split over several chunks: the chunks beside a top passage in its own section join the pool."""

from assistant.answering import Request, prepare


def test_a_top_passages_neighbours_in_its_own_section_join_the_pool(assistant):
    view = assistant.retriever.snapshot().view
    prepared = prepare(assistant, Request("How long do we have to complete an assessment of a child?"))
    pool = {p.chunk.chunk_id: p.chunk for p in prepared.passages}
    top = [p.chunk for p in prepared.passages if p.score > 0]  # the fused top passages
    same_section = {
        n for c in top for n in view.adjacent(c.chunk_id) if view.get_chunks([n])[n].section_path == c.section_path
    }
    assert same_section and same_section <= set(pool)


def test_adjacent_chunks_are_the_ones_either_side_in_the_same_document(assistant):
    view = assistant.retriever.snapshot().view
    doc = "bathnes-cypss-service-statement-2013"
    ordered = sorted(view.document_chunks(doc), key=lambda c: c.start)
    middle = ordered[len(ordered) // 2]
    assert set(view.adjacent(middle.chunk_id)) == {
        ordered[len(ordered) // 2 - 1].chunk_id,
        ordered[len(ordered) // 2 + 1].chunk_id,
    }
    first, last = ordered[0], ordered[-1]
    assert view.adjacent(first.chunk_id) == [ordered[1].chunk_id]  # nothing from the document before
    assert view.adjacent(last.chunk_id) == [ordered[-2].chunk_id]
    assert view.adjacent("no-such-chunk") == []
