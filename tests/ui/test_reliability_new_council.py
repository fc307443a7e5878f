"""A council added from the CLI while the app runs can be chosen on the Worried page at once.

Found running the app as a new user: after `guidance add --new-authority` the running app answered
from the new document, but the Worried page's council list (and the Ask page's filter) lacked
the new council until someone asked a question on the Ask page, so a school in that council had
to pick "Not listed / not sure".
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # two real index runs in CLI processes

COUNCIL = "Norfolk County Council"
DOCUMENT = (
    "# Norfolk children's services: strategy discussions\n\n## Timescales\n\n"
    "A strategy discussion is held within 2 working days of the Children's Advice and Duty Service "
    "receiving a referral that suggests significant harm.\n"
)
CLI_SECONDS = 300  # an index run in a new process on a busy 2-core machine


def guidance(settings, *args: str) -> None:
    env = {**os.environ, "GUIDANCE_CORPUS_DIR": str(settings.corpus_dir), "GUIDANCE_DATA_DIR": str(settings.data_dir)}
    result = subprocess.run([str(Path(sys.executable).with_name("guidance")), *args], env=env, capture_output=True,
                            text=True, timeout=CLI_SECONDS)
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.fixture
def norfolk_added_from_the_cli(ui_settings, tmp_path):
    """`guidance add --new-authority` in its own process, as a curator runs it; undone afterwards
    (the manifest as it was, the file gone, `guidance index`) for the other page tests."""
    manifest = ui_settings.manifest_path.read_bytes()
    upload = tmp_path / "norfolk-strategy.md"
    upload.write_text(DOCUMENT, encoding="utf-8")
    guidance(ui_settings, "add", str(upload), "--new-authority", COUNCIL, "--alias", "Norfolk", "--front-door",
             "the Children's Advice and Duty Service", "--title", "Strategy discussions", "--date", "2025-01-01",
             "--id", "norfolk-strategy")
    yield
    ui_settings.manifest_path.write_bytes(manifest)
    (ui_settings.corpus_dir / "documents" / "norfolk-strategy.md").unlink()
    guidance(ui_settings, "index")


def council_choices(app) -> list[str]:
    app.run()
    app.switch_page("views/worried.py").run()
    assert not app.exception
    return list(app.selectbox[0].options)


def test_a_council_added_while_the_app_runs_is_offered_on_the_worried_page(app, norfolk_added_from_the_cli):
    assert COUNCIL in council_choices(app)
