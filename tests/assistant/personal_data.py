"""The committed personal-data test set (personal_data.yaml beside this file) and how a leak is judged."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

DATA = Path(__file__).with_suffix(".yaml")  # tests/assistant/personal_data.yaml
_PLACEHOLDER = re.compile(r"\[[^\]]*\]")


def load() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def leaked(span: str, original: str, redacted: str) -> bool:
    """True when any word of `span` is still in `redacted` more often than the original has it
    outside the span: "07700 [phone]" leaks, and so does "my client May" -> "my client [name]" if
    "May" is left anywhere else. Placeholders ("[school]") do not count as text."""
    text = _PLACEHOLDER.sub(" ", redacted)
    for word in re.findall(r"\w+", span):
        if len(word) < 2 and not word.isdigit():
            continue
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.I)
        if len(pattern.findall(text)) > len(pattern.findall(original.replace(span, " "))):
            return True
    return False
