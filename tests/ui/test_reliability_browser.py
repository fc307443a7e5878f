"""A link straight to one page, opened first after the app (re)starts, gets the app's own navigation.

Found running the app as a new user: after `make run`, opening http://127.0.0.1:8501/worried (the
page a school is sent a link to) before anyone had opened the home page showed Streamlit's
file-name navigation ("app, ask, library, quality, timescales, worried"), a narrow layout and the
tab title "worried". Streamlit treats a folder named `pages/` beside the main script as an old-style
multipage app and runs the linked page without ui/app.py until some session runs ui/app.py's
st.navigation (streamlit/runtime/pages_manager.py, `uses_pages_directory`). The pages now live in
ui/views/, so the app's own navigation is there from the first request.
"""

from __future__ import annotations

import os

import pytest
from test_browser import CHROMIUM_ARGS, chromium, running_app  # noqa: F401 - chromium is a fixture
from ui_helpers import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIDEBAR_SECONDS = 60  # navigation is drawn before the page body; generous for a busy machine


@pytest.fixture
def fresh_app_url(tmp_path):
    """A new `streamlit run` that no browser has opened yet (the state every restart leaves)."""
    env = {**os.environ, "GUIDANCE_CORPUS_DIR": str(ROOT / "corpus"), "GUIDANCE_DATA_DIR": str(tmp_path / "data"),
           "HF_HUB_OFFLINE": "1"}
    with running_app(env, tmp_path / "streamlit.log") as url:
        yield url


def test_a_deep_link_opened_first_after_a_restart_shows_the_apps_navigation(chromium, fresh_app_url):  # noqa: F811
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(SIDEBAR_SECONDS * 1000)
            page.goto(f"{fresh_app_url}/worried")
            sidebar = page.get_by_test_id("stSidebar")
            sidebar.get_by_text("worried", exact=True).or_(sidebar.get_by_text("Worried about a child?")).wait_for()
            assert sidebar.get_by_text("Worried about a child?").count() == 1, sidebar.inner_text()
            assert sidebar.get_by_text("app", exact=True).count() == 0, "the entry script is listed as a page"
        finally:
            browser.close()
