"""Every page opens without a traceback or a Streamlit deprecation warning in the server log.

Found starting the app from a fresh clone: the Timescales page logged "Please replace
`use_container_width` with `width` ... will be removed after 2025-12-31" on every run, so the
next Streamlit upgrade would break the page; the log is where whoever runs the app looks first.
"""

from __future__ import annotations

import logging

import pytest

pytestmark = pytest.mark.slow

PAGES = ("views/ask.py", "views/worried.py", "views/timescales.py", "views/library.py", "views/quality.py")


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def deprecations():
    """Streamlit's deprecation logger does not propagate to the root, so listen on it directly."""
    logger = logging.getLogger("streamlit.deprecation_util")
    recorder = Recorder()
    logger.addHandler(recorder)
    yield recorder.messages
    logger.removeHandler(recorder)


@pytest.mark.parametrize("page", PAGES)
def test_page_opens_cleanly(app, deprecations, page):
    app.run()
    app.switch_page(page).run()
    assert not app.exception, app.exception[0].value if app.exception else ""
    assert not deprecations, deprecations
