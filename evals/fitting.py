"""What the fit scripts share: an assistant on an up-to-date index, and the tune items (the
library's, and the second tuning corpus's on its own index)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from evals.items import EVAL_CORPORA, EvalItem, load_items

if TYPE_CHECKING:
    from assistant.service import GuidanceAssistant
    from assistant.settings import Settings


def indexed_assistant(**kwargs: Any) -> tuple[Settings, GuidanceAssistant]:
    """The settings from the environment and an assistant on them (`kwargs` go to it, e.g. an
    untrained model), indexed first when the index is behind the library."""
    from assistant.service import GuidanceAssistant
    from assistant.settings import Settings

    settings = Settings.from_env()
    assistant = GuidanceAssistant(settings, **kwargs)
    if assistant.needs_indexing():
        assistant.reindex()
    return settings, assistant


def tune_items(settings: Settings) -> list[EvalItem]:
    """The tune split: the only items a fit reads."""
    return [i for i in load_items(settings.eval_items_path) if i.split == "tune"]


def tune_sets(
    settings: Settings, assistant: GuidanceAssistant, **kwargs: Any
) -> list[tuple[GuidanceAssistant, list[EvalItem]]]:
    """Every tune item with the assistant that asks it: the library's items with `assistant`,
    then each eval corpus whose split is tune (evals/tune_docs) with an assistant on its own index
    (`kwargs` go to it, as to `indexed_assistant`)."""
    from evals.runner import corpus_assistant

    sets = [(assistant, tune_items(settings))]
    for corpus in EVAL_CORPORA:
        if corpus.split == "tune" and corpus.items_path.exists():
            sets.append((corpus_assistant(assistant, settings, corpus, **kwargs), load_items(corpus.items_path)))
    return sets
