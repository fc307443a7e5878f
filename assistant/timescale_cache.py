"""Timescales at a glance, built once per index generation and kept on disk beside the index."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from assistant.settings import Settings
from assistant.timescale_table import TimescaleRow, timescale_rows
from assistant.types import content_hash
from indexing.store import ChunkStore


def code_version() -> str:
    """Changes whenever the code that builds a row changes, so a table built by older code (an
    upgrade on an unchanged index) is rebuilt rather than served."""
    from assistant import force, timescale_table, timescales

    source = "".join(Path(m.__file__).read_text(encoding="utf-8") for m in (force, timescale_table, timescales))
    return content_hash(source)[:8]


def index_version(store: ChunkStore) -> str:
    """Names the committed index: its generation plus the moment it was committed (a generation
    number can recur when a Chroma server is wiped and rebuilt; the commit time does not)."""
    generation = store.current()
    if generation is None:
        return ""
    committed = (store.pointer() or {}).get("committed_at", "")
    return f"{generation.key}@{committed}"


def load_timescales(settings: Settings, store: ChunkStore | None = None) -> list[TimescaleRow]:
    """The timescale table for the index as it is now: read from `data/timescales/` when this
    index generation's table was already built, else built from its chunks and saved.

    Costs one small read of the index pointer when nothing changed; a new index (after
    `guidance index`, `guidance add` or a re-index in the app) gets a new table on first use.
    """
    store = store or ChunkStore.open(settings)
    version = index_version(store)
    if not version:
        return []
    folder = settings.data_dir / "timescales"
    path = folder / f"{code_version()}-{re.sub(r'[^A-Za-z0-9_.-]+', '_', version)}.json"
    try:
        return [TimescaleRow.from_dict(row) for row in json.loads(path.read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError, KeyError):
        pass  # not built yet for this index, or unreadable: build it
    rows = timescale_rows(store.all_chunks())
    _save(folder, path, [row.as_dict() for row in rows])
    return rows


def _save(folder: Path, path: Path, rows: list[dict]) -> None:
    """Write whole (a reader never sees half a file) and drop the tables of older indexes."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, suffix=".tmp", delete=False) as out:
            json.dump(rows, out, ensure_ascii=False)
        os.replace(out.name, path)
        for old in folder.glob("*.json"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only data folder: the table is still returned, just rebuilt next time
