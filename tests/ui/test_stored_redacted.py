"""Personal details typed into the Ask page never reach the feedback database's bytes on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

QUESTION = ("what do i do about jayden smith (dob 03/04/2015, NHS 943 476 5919) at Oldfield Park Infant School, "
            "mum is on 07700 900123 at 12 High St BA2 3AB - how soon after a referral in Bath?")
COMMENT = "my client May Okafor (k.okafor88@hotmail.co.uk, NI AB 12 34 56 C) needs the Signs of Safety bit"
SECRETS = ["jayden", "smith", "03/04/2015", "943 476 5919", "Oldfield", "07700", "900123", "12 High St", "BA2 3AB",
           "Okafor", "okafor88", "hotmail", "AB 12 34 56 C", "May Okafor"]


def on_disk(db: Path) -> bytes:
    """The database file, its write-ahead log and rollback journal, as SQLite left them."""
    return b"".join(p.read_bytes() for p in (db, Path(f"{db}-wal"), Path(f"{db}-journal")) if p.exists())


def test_question_and_comment_from_the_ask_page_are_redacted_on_disk(app, ui_settings):
    app.run()
    app.chat_input[0].set_value(QUESTION).run()
    app.feedback[0].set_value(0).run()
    app.text_input[0].set_value(COMMENT).run()
    raw = on_disk(ui_settings.feedback_db)
    assert b"how soon after a referral in Bath" in raw, "the question was stored"
    assert b"Signs of Safety" in raw, "the comment was stored, guidance words kept"
    found = [secret for secret in SECRETS if secret.lower().encode() in raw.lower()]
    assert not found, f"personal details on disk: {found}"
