"""One settings object for the whole product: defaults overridden by GUIDANCE_* environment variables."""

from __future__ import annotations

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
    # Answering: abstain when the best sentence scores below this (calibrated on
    # the eval set, see README "Abstention").
    abstain_threshold: float = 0.44
    max_sentences_per_authority: int = 4
    # Threads torch may use for a single query. One is ~25x faster than two when
    # another process is busy on a 2-core machine (measured, see README).
    query_threads: int = 1
    index_threads: int = 2
    max_file_mb: float = 20.0
    # `pbkdf2_sha256$iterations$salt$hash` from `python -m assistant.curator hash`; empty = read-only
    curator_passphrase_hash: str = ""
    eval_items_path: Path = PROJECT_ROOT / "evals" / "items.yaml"  # the curated eval set

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def feedback_db(self) -> Path:
        return self.data_dir / "feedback.sqlite3"

    @property
    def manifest_path(self) -> Path:
        return self.corpus_dir / "manifest.yaml"

    @property
    def glossary_path(self) -> Path:
        return self.corpus_dir / "glossary.yaml"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then GUIDANCE_<FIELD> environment variables, then explicit overrides."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"GUIDANCE_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            values[f.name] = _coerce(f.type, raw, f.name)
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def _coerce(type_name: object, raw: str, name: str) -> object:
    kind = str(type_name)
    try:
        if "Path" in kind:
            return Path(raw).expanduser().resolve()
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "bool":
            return raw.strip().lower() in {"1", "true", "yes", "on"}
    except ValueError as exc:
        raise ValueError(f"GUIDANCE_{name.upper()}={raw!r} is not a valid {kind}") from exc
    return raw


def configure_offline() -> None:
    """Make sure no code path can try to reach a model hub. Call before importing models."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
