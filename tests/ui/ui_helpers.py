"""Small helpers the page tests share (conftest holds the fixtures)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "ui" / "app.py")
PASSPHRASE = "correct horse battery staple"


def db_rows(settings, sql: str) -> list[tuple]:
    with sqlite3.connect(settings.feedback_db) as db:
        return db.execute(sql).fetchall()


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)
