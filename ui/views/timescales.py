"""Timescales page: every timescale the library states, one row each, filtered by council."""

from __future__ import annotations

import streamlit as st

from assistant.lead import short_authority
from assistant.settings import Settings
from assistant.timescale_cache import load_timescales
from assistant.timescale_table import for_authority, without_rows
from indexing.manifest import ManifestError, load_manifest
from indexing.store import ChunkStore


@st.cache_resource(show_spinner=False)
def _store(chroma_dir: str, host: str) -> ChunkStore:
    return ChunkStore.open(Settings.from_env())


st.title("Timescales at a glance")
st.caption(
    "Every timescale the councils' documents state, quoted with its source. **duty** means the sentence says "
    "must or will; **guidance** means should, aim to or expected to. Where councils give different timescales "
    "for the same thing their rows are together and flagged: follow the council responsible for the child."
)
settings = Settings.from_env()
try:
    rows = load_timescales(settings, _store(str(settings.chroma_dir), settings.chroma_host))
except Exception as exc:  # noqa: BLE001 - the store is unreachable: a message, never a traceback
    st.error(f"The timescales cannot be read just now ({type(exc).__name__}: {exc}). Reload the page in a moment.")
    st.stop()
if not rows:
    st.info("No timescales yet: the library has not been indexed (run `guidance index`).")
    st.stop()
councils = sorted({row.authority for row in rows})
council = st.selectbox("Council", councils, index=None, placeholder="All councils")
shown = for_authority(rows, council)
try:
    silent = without_rows(rows, [a.name for a in load_manifest(settings.manifest_path).authorities])
except ManifestError:  # a hand edit in progress: the table still shows; this line waits for the fix
    silent = []
if silent and not council:
    st.caption(f"No timescale found in the documents of: {', '.join(short_authority(a) for a in silent)}.")
differing = sum(1 for row in shown if row.differs)
if differing:
    st.warning(
        f"{differing} of these {len(shown)} timescales differ from another council's for the same event "
        "(marked ⚠ at the top of the table).",
        icon=":material/balance:",
    )
st.dataframe(
    [
        {
            "": "⚠ differs" if row.differs else "",
            "Council": short_authority(row.authority),
            "Applies to": row.what,
            "Timescale": row.duration,
            "Force": row.force,
            "Quote": row.quote,
            "From": row.from_when,
            "Other councils": "; ".join(row.differs),
            "Document": f"{row.title} ({row.date})" + ("" if row.status == "current" else f" · {row.status.upper()}"),
            "Section": row.section.replace(" > ", " › ") + (f" · page {row.page}" if row.page else ""),
            "Cite as": row.citation,
        }
        for row in shown
    ],
    hide_index=True,
    height=min(38 + 35 * len(shown), 740),  # about 20 rows before the table scrolls
    width="stretch",  # use_container_width is deprecated (Streamlit logs it on every run)
    column_config={
        "Quote": st.column_config.TextColumn(width="large"),
        "Applies to": st.column_config.TextColumn(width="medium"),
    },
)
superseded = sum(1 for row in shown if row.status != "current")
if superseded:
    st.caption(f"{superseded} rows come from superseded documents (marked SUPERSEDED): check for a newer version.")
