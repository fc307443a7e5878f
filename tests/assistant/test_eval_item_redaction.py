"""An eval item added from the app's Quality page is redacted before it is written to the eval file."""

from pathlib import Path

from assistant.quality import curated_item
from evals.items import append_item, load_items

ROOT = Path(__file__).resolve().parents[2]


def test_eval_item_from_a_practitioners_question_is_redacted(tmp_path):
    path = tmp_path / "items.yaml"
    item = curated_item("my client may jones (dob 3/4/2015) is on a Signs of Safety plan in Bath, how soon is she seen?",
                        "out_of_scope", None, "", "", "", "", path, corpus_dir=ROOT / "corpus")
    append_item(item, path)
    written = path.read_text(encoding="utf-8")
    assert "jones" not in written and "3/4/2015" not in written
    [stored] = load_items(path)
    assert stored.question == "my client [name] (dob [date]) is on a Signs of Safety plan in Bath, how soon is she seen?"
