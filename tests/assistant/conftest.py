"""Shared by the redaction tests: figures printed in pytest's terminal summary."""

from __future__ import annotations

import pytest

_SUMMARY = pytest.StashKey[list[str]]()


@pytest.fixture
def summary_lines(request) -> list[str]:
    """Lines a test appends to be shown at the end of the run (recall, false positives, latency)."""
    return request.config.stash.setdefault(_SUMMARY, [])


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    lines = config.stash.get(_SUMMARY, [])
    if lines:
        terminalreporter.write_sep("-", "personal-data redaction")
        for line in lines:
            terminalreporter.write_line(line)
