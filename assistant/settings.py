"""One settings object for the whole product: defaults overridden by GUIDANCE_* environment variables."""

from __future__ import annotations

import difflib
import math
import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    data_dir: Path = PROJECT_ROOT / "data"
    # A Chroma server; when host is set the store uses chromadb.HttpClient instead of
    # the embedded PersistentClient in data_dir. Nothing else changes.
    chroma_host: str = ""
    chroma_port: int = 8000
    collection: str = "guidance"
    # Chunking: target characters per chunk. Chosen by measurement on the eval
    # questions (see README "Chunk size"); hard cap keeps chunks inside MiniLM's
    # 256-token window (~1,000 characters of English).
    chunk_chars: int = 700
    chunk_max_chars: int = 1000
    # Retrieval
    dense_k: int = 20
    lexical_k: int = 20
    passages_k: int = 8
    per_authority_k: int = 2  # with no single authority asked for, each council's best passages join the pool
    rrf_k: int = 60
    use_glossary: bool = True
    retrieval_mode: str = "hybrid"  # hybrid | dense | lexical
    # Whether to answer is decided by the fitted model in assistant/answerability.json.
    # Quotes per council after the lead line: 3 keeps fact recall where 4 had it (2 lost 0.07 on the tune split).
    max_sentences_per_authority: int = 3
    # Threads torch may use for a single query. One is ~25x faster than two when
    # another process is busy on a 2-core machine (measured, see README).
    query_threads: int = 1
    index_threads: int = 2
    max_file_mb: float = 20.0
    # Incremental indexing (indexing/store.py, base + delta). Below delta_min_base_chunks a whole
    # rewrite copies every unchanged record in a few seconds, so each run writes one whole base
    # (one segment to search, no statistics drift). Above it, a run changing at most
    # delta_max_share of the base writes only the changed documents; a larger delta is folded
    # back into a new base, because two segments and the base's BM25 statistics serve a large
    # delta less well.
    delta_min_base_chunks: int = 5000
    delta_max_share: float = 0.25
    # `pbkdf2_sha256$iterations$salt$hash` from `python -m assistant.curator hash`; empty = read-only
    curator_passphrase_hash: str = ""
    eval_items_path: Path = PROJECT_ROOT / "evals" / "items.yaml"  # the curated eval set
    # The optional generative writer (assistant/generative.py): an OpenAI-compatible endpoint such as
    # http://127.0.0.1:8081/v1; empty keeps the extractive writer. The key is read from the environment.
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def feedback_db(self) -> Path:
        return self.data_dir / "feedback.sqlite3"

    @property
    def curator_lock_db(self) -> Path:
        """Failed curator passphrase attempts, so the growing wait survives new sessions and restarts."""
        return self.data_dir / "curator_lock.sqlite3"

    @property
    def manifest_path(self) -> Path:
        return self.corpus_dir / "manifest.yaml"

    @property
    def glossary_path(self) -> Path:
        return self.corpus_dir / "glossary.yaml"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then GUIDANCE_<FIELD> environment variables, then explicit overrides.

        Raises SettingsError naming the variable when a value cannot be used.
        """
        env = os.environ if environ is None else environ
        known = {f"GUIDANCE_{f.name.upper()}" for f in fields(cls)}
        for variable in sorted(v for v in env if v.startswith("GUIDANCE_") and v not in known):
            close = difflib.get_close_matches(variable, sorted(known), n=1, cutoff=0.8)
            hint = f"; did you mean {close[0]}?" if close else f"; known: {', '.join(sorted(known))}"
            raise SettingsError(f"{variable} is not a setting, so it would be ignored{hint}")
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"GUIDANCE_{f.name.upper()}")
            if raw is None or raw.strip() == "":
                continue
            values[f.name] = _coerce(f.type, raw.strip(), f.name)
        values.update(overrides)
        settings = cls(**values)  # type: ignore[arg-type]
        settings.check(from_env={f.name for f in fields(cls)} - set(overrides))
        return settings

    def check(self, from_env: set[str] | frozenset[str] = frozenset()) -> None:
        """Refuse values the product cannot work with; `from_env` fields are named as variables."""

        def name(field: str) -> str:
            return f"GUIDANCE_{field.upper()}" if field in from_env else field

        for field, low, high in _RANGES:
            value = getattr(self, field)
            if not (low <= value <= high):
                raise SettingsError(f"{name(field)}={value!r} is out of range: use a value from {low} to {high}")
        if self.chunk_max_chars < self.chunk_chars:
            raise SettingsError(
                f"{name('chunk_max_chars')}={self.chunk_max_chars} is below {name('chunk_chars')}={self.chunk_chars}"
            )
        if self.retrieval_mode not in RETRIEVAL_MODES:
            raise SettingsError(
                f"{name('retrieval_mode')}={self.retrieval_mode!r}: use one of {', '.join(RETRIEVAL_MODES)}"
            )
        for field in ("data_dir", "corpus_dir"):
            folder = getattr(self, field)
            if folder.exists() and not folder.is_dir():
                raise SettingsError(
                    f"{name(field)}={str(folder)!r} is a file, not a folder; point it at a folder "
                    "(it is created if missing)" if field == "data_dir" else
                    f"{name(field)}={str(folder)!r} is a file, not a folder; point it at the folder "
                    "that holds manifest.yaml"
                )

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


class SettingsError(ValueError):
    """A setting cannot be used; the message names the GUIDANCE_* variable and what to set instead."""


RETRIEVAL_MODES = ("hybrid", "dense", "lexical")
# (field, lowest, highest): outside these the product cannot work, or a typo is likelier than intent.
_RANGES = (
    ("chroma_port", 1, 65535),
    ("chunk_chars", 100, 10_000),
    ("chunk_max_chars", 100, 20_000),
    ("dense_k", 1, 1000),
    ("lexical_k", 1, 1000),
    ("passages_k", 1, 100),
    ("per_authority_k", 0, 100),
    ("rrf_k", 1, 10_000),
    ("delta_min_base_chunks", 0, 10_000_000),
    ("delta_max_share", 0.0, 1.0),
    ("max_sentences_per_authority", 1, 100),
    ("query_threads", 1, 256),
    ("index_threads", 1, 256),
    ("max_file_mb", 0.001, 10_000),
)
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def _coerce(type_name: object, raw: str, name: str) -> object:
    kind = str(type_name)
    variable = f"GUIDANCE_{name.upper()}"
    if "Path" in kind:
        try:
            return Path(raw).expanduser().resolve()
        except (OSError, RuntimeError, ValueError) as exc:
            raise SettingsError(f"{variable}={raw!r} is not a usable path ({exc})") from exc
    if kind == "int":
        try:
            return int(raw)
        except ValueError:
            raise SettingsError(f"{variable}={raw!r} is not a whole number (e.g. {variable}=2)") from None
    if kind == "float":
        try:
            value = float(raw)
        except ValueError:
            raise SettingsError(f"{variable}={raw!r} is not a number (e.g. {variable}=20)") from None
        if not math.isfinite(value):
            raise SettingsError(f"{variable}={raw!r} is not a finite number")
        return value
    if kind == "bool":
        if raw.lower() in _TRUE | _FALSE:
            return raw.lower() in _TRUE
        raise SettingsError(f"{variable}={raw!r}: use true or false")
    return raw


def configure_offline() -> None:
    """Make sure no code path can try to reach a model hub. Call before importing models."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
