"""What the fit scripts share: an assistant on an up-to-date index, and the tune items."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from evals.items import EvalItem, load_items

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
