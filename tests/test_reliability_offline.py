"""`guidance ask` as a user runs it leaves nothing behind: not what was typed, not a library's telemetry.

Found by grepping every file a session of the app and the CLI wrote: nothing personal, but each
process that embedded a question added an event to onnxruntime's telemetry store under
~/.cache/Microsoft (for sending to Microsoft), which the README's "Nothing else is written" and
"runs offline" do not allow for. The test network guard cannot see it: the sender is native code.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a new process loads the index and the question model

ROOT = Path(__file__).resolve().parents[1]
QUESTION = ("Jayden Smith, DOB 03/04/2017, of 12 Acacia Road, PL4 8AA, NHS number 943 476 5919, "
            "mum on 07700 900123: how soon must a child be seen after a referral in Bath?")
PERSONAL = [b"Jayden", b"Acacia", b"PL4 8AA", b"943 476 5919", b"07700 900123"]
CLI_SECONDS = 120  # a cold process takes ~2-10 s on a busy 2-core machine


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_guidance_ask_writes_nothing_in_home_nor_anything_personal_in_data(assistant, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("GUIDANCE_", "ORT_", "XDG_"))}
    env |= {"HOME": str(home), "HF_HUB_OFFLINE": "1", "GUIDANCE_CORPUS_DIR": str(ROOT / "corpus"),
            "GUIDANCE_DATA_DIR": str(assistant.settings.data_dir)}
    result = subprocess.run([str(Path(sys.executable).with_name("guidance")), "ask", QUESTION], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=CLI_SECONDS)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "5 working days" in result.stdout
    assert files_under(home) == [], "files written in the user's home folder"
    leaked = [(str(p), s) for p in files_under(assistant.settings.data_dir) for s in PERSONAL if s in p.read_bytes()]
    assert not leaked
