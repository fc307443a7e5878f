"""End to end in a real headless Chromium against `streamlit run` on loopback; screenshots for review."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from ui_helpers import APP, ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = ROOT / "tests" / "artifacts"
STARTUP_SECONDS = 90  # the server answers /_stcore/health in ~3 s; generous for a busy CI machine
# The first page view loads the model and builds the index (~30 s measured); allow for a slow machine.
FIRST_ANSWER_MS = 240_000
ANSWER_MS = 60_000
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium, installed with apt-get on a fresh machine (playwright's own download fails here)."""
    found = shutil.which("chromium")
    if found:
        return found
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
        result = subprocess.run(prefix + command, capture_output=True, text=True, timeout=900,
                                env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        if result.returncode != 0:
            pytest.fail(f"could not install chromium ({' '.join(command)}): {result.stderr[-2000:]}")
    found = shutil.which("chromium")
    assert found, "apt-get installed chromium but it is not on PATH"
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_health(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"streamlit did not answer on {url} within {STARTUP_SECONDS}s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """`streamlit run ui/app.py` on a free loopback port with its own corpus copy and data folder."""
    base = tmp_path_factory.mktemp("browser")
    shutil.copytree(ROOT / "corpus", base / "corpus")
    env = {**os.environ, "GUIDANCE_CORPUS_DIR": str(base / "corpus"), "GUIDANCE_DATA_DIR": str(base / "data"),
           "HF_HUB_OFFLINE": "1"}
    env.pop("GUIDANCE_CURATOR_PASSPHRASE_HASH", None)
    # The app never indexes on open (`make run` runs `guidance index` first): do as it does.
    subprocess.run([str(Path(sys.executable).with_name("guidance")), "index"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=STARTUP_SECONDS * 4)
    with running_app(env, base / "streamlit.log") as url:
        yield url


@contextlib.contextmanager
def running_app(env: dict[str, str], log: Path):
    """`streamlit run ui/app.py` on a free loopback port with `env`, its output in `log`; yields
    the app's URL once it answers its health check, and stops it afterwards."""
    port = free_port()
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("streamlit")), "run", APP, "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, server, log)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=15)


@pytest.fixture(scope="module")
def page(chromium, app_url):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1280, "height": 2200})
        tab.set_default_timeout(ANSWER_MS)
        yield tab
        browser.close()


def ask(page, url: str, question: str, timeout: float = ANSWER_MS) -> None:
    """A fresh session (so the chat starts empty), then type the question and press Enter."""
    page.goto(url)
    box = page.get_by_placeholder("Ask about timescales")
    box.wait_for(timeout=timeout)
    box.fill(question)
    box.press("Enter")


def screenshot(page, name: str) -> None:
    page.wait_for_timeout(500)  # let Streamlit finish its last re-render
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_answer_with_citation_and_source_card(page, app_url):
    ask(page, app_url, "How soon must a child be seen after a referral in Bath?", FIRST_ANSWER_MS)
    card = page.locator("summary").filter(has_text="[1]").first
    card.wait_for(timeout=FIRST_ANSWER_MS)
    assert "Bath and North East Somerset Council" in card.inner_text()
    assert "5 working days" in page.locator("[data-testid='stChatMessage']").last.inner_text()
    card.click()
    highlighted = page.locator("mark").first
    highlighted.wait_for()
    assert highlighted.inner_text().strip()
    screenshot(page, "ask_answer_source_card.png")


def test_refusal_says_who_to_ask(page, app_url):
    ask(page, app_url, "What is the Mental Health Act section 136 power?")
    page.get_by_text("Not covered by the guidance").wait_for()
    last = page.locator("[data-testid='stChatMessage']").last
    last.get_by_text("Please ask").first.wait_for()  # rendered after the heading above it
    assert "Please ask" in last.inner_text()
    screenshot(page, "ask_refusal.png")


def test_an_unsure_answer_says_so_before_its_quotes(page, app_url):
    ask(page, app_url, "Which families is Family Group Conferencing in York mainly aimed at?")
    page.get_by_text("May not answer your question").wait_for()
    last = page.locator("[data-testid='stChatMessage']").last
    last.get_by_text("Family Group Conferencing").first.wait_for()  # the closest quote still shown under it
    screenshot(page, "ask_hedged.png")


def test_conflicting_sources_notice(page, app_url):
    ask(page, app_url, "I've just made a referral to children's social care - within how many working days "
                       "should a social worker see the child?")
    page.get_by_text("The sources disagree").wait_for()
    screenshot(page, "ask_conflict.png")


def test_timescales_page_flags_councils_that_differ(page, app_url):
    page.goto(app_url)
    page.get_by_role("link", name="Timescales").click()
    page.locator("[data-testid='stDataFrame']").first.wait_for()
    assert page.get_by_text("differ from another council").count() == 1
    screenshot(page, "timescales.png")


def test_library_page_lists_documents(page, app_url):
    page.goto(f"{app_url}/library")
    page.get_by_text("Guidance library").first.wait_for()
    page.locator("[data-testid='stDataFrame']").first.wait_for()
    assert page.get_by_text("Read-only").count() >= 1
    screenshot(page, "library.png")


def test_two_turn_conversation_shows_how_the_follow_up_was_read(page, app_url):
    ask(page, app_url, "How soon must a child be seen after a referral in Bath?")
    page.get_by_text("5 working days").first.wait_for()
    box = page.get_by_placeholder("Ask about timescales")
    box.fill("and in Plymouth?")
    box.press("Enter")
    page.get_by_text("Understood as: How soon must a child be seen after a referral in Plymouth?").wait_for()
    # The caption renders before the answer under it: wait for the answer itself, in the last message.
    last = page.locator("[data-testid='stChatMessage']").last
    last.get_by_text("10 working days").first.wait_for()
    assert "10 working days" in last.inner_text()
    screenshot(page, "ask_follow_up.png")


def tell_the_partner_page(page, url: str, council: str, worry: str, door: str) -> None:
    """Choose the council, describe the worry, send it, and wait for the answer's front door (not
    for "Where to send a referral": the page's introduction says "where to send a referral" too)."""
    page.goto(url)
    page.get_by_role("link", name="Worried about a child?").click()
    page.get_by_test_id("stSelectbox").wait_for()
    page.get_by_role("combobox").first.click()
    page.get_by_role("option", name=council).click()
    page.get_by_role("textbox").first.fill(worry)
    page.get_by_role("button", name="Where should I send this?").click()
    page.get_by_text(door).first.wait_for()


def test_partner_page_gives_the_front_door(page, app_url):
    tell_the_partner_page(page, app_url, "Torbay Council", "A pupil has bruises on his arm and says his dad hit him.",
                          "Torbay: contact the Safeguarding Hub (MASH)")
    page.get_by_text("Where to send a referral", exact=True).wait_for()
    screenshot(page, "worried_partner.png")
    assert "Torbay: contact the Safeguarding Hub (MASH)" in page.locator("body").inner_text()


def test_personal_details_typed_on_the_partner_page_are_left_out_and_said_so(page, app_url):
    tell_the_partner_page(
        page, app_url, "Torbay Council",
        "Re Jack Smith (DOB 03/04/2016): 14 year old boy in the toilets with a belt round his neck, staff with him now",
        "Torbay: contact the Safeguarding Hub (MASH)",
    )
    body = page.locator("body").inner_text()
    assert "a name and a date of birth left out" in body and "call 999 now" in body
    # shown with each detail's place marked, answered without them
    assert "Answered as: [name] ([date]): 14 year old boy in the toilets" in body
    assert "Jack Smith" not in body.split("Answered as:")[1]
    screenshot(page, "worried_partner_left_out.png")
