"""Practice guidance assistant for children's social care: the library behind the CLI, the app and the API.

The public names load on first use, so `import assistant` stays cheap (no torch, no LangChain).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "GuidanceAssistant": "assistant.service",
    "QuestionError": "assistant.service",
    "GuidanceRetriever": "assistant.langchain_edge",
    "answer_runnable": "assistant.langchain_edge",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'assistant' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
