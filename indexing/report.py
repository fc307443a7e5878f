"""What an index run, a status check and `index --check` report, as the CLI and the app show them."""

from __future__ import annotations

from dataclasses import dataclass, field

from indexing.lock import LockHolder


@dataclass(frozen=True)
class IndexReport:
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    metadata_only: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()  # (doc_id, reason): previous chunks keep serving
    repaired: tuple[tuple[str, str], ...] = ()  # (doc_id, what was missing): re-embedded whole
    chunks: int = 0
    embedded_chunks: int = 0
    seconds: float = 0.0
    chunk_counts: dict = field(default_factory=dict)
    generation: int | None = None  # the generation readers now use
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        parts = [
            f"{len(self.added)} added",
            f"{len(self.updated)} re-indexed",
            f"{len(self.metadata_only)} metadata updated",
            f"{len(self.unchanged)} unchanged",
            f"{len(self.removed)} removed",
        ]
        if self.repaired:
            parts.append(f"{len(self.repaired)} repaired")
        text = f"Index: {', '.join(parts)}; {self.chunks} chunks in {self.seconds:.1f}s."
        for note in self.notes:
            text += f"\n  {note}"
        for doc_id, problem in self.repaired:
            text += f"\n  repaired {doc_id}: it was half-written ({problem}); re-embedded whole"
        for doc_id, reason in self.failed:
            text += f"\n  NOT indexed {doc_id}: {reason} (anything indexed before is still served)"
        return text


@dataclass(frozen=True)
class IndexStatus:
    """How the index compares with the manifest, without a model or any writing."""

    new: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    empty: bool = False

    @property
    def stale(self) -> bool:
        return bool(self.new or self.changed or self.removed)

    def notice(self) -> str:
        """One line for stderr or the app; empty when the index is up to date."""
        if self.empty:
            return "The guidance library has not been indexed yet: run `guidance index`."
        if not self.stale:
            return ""
        parts = [
            f"{len(ids)} {what} ({', '.join(ids[:3])}{', …' if len(ids) > 3 else ''})"
            for what, ids in (("new", self.new), ("changed", self.changed), ("to remove", self.removed))
            if ids
        ]
        return (
            f"The index is behind the library manifest: {'; '.join(parts)}. Answers come from the last "
            "index until someone runs `guidance index` (if it reports a document NOT indexed, fix or "
            "replace that file: running it again will not help)."
        )


@dataclass(frozen=True)
class CheckReport:
    """`guidance index --check`: is the current generation whole, and does it match the manifest?"""

    generation: str
    documents: int
    chunks: int
    sentences: int
    problems: dict[str, str]  # doc_id -> what is missing
    status: IndexStatus
    running: LockHolder | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and not self.status.stale and not self.status.empty

    def summary(self) -> str:
        lines = [
            f"Index ({self.generation}): {self.documents} documents, {self.chunks} chunks, "
            f"{self.sentences} sentence vectors."
        ]
        lines += [f"  INCOMPLETE {doc_id}: {problem}" for doc_id, problem in sorted(self.problems.items())]
        if self.status.notice():
            lines.append(f"  {self.status.notice()}")
        if self.running:
            lines.append(f"  An index is running now ({self.running.describe()}).")
        if self.problems:
            lines.append("  Run `guidance index` to repair: incomplete documents are re-embedded whole.")
        lines.append("OK: every document is whole and matches the manifest." if self.ok else "Problems found.")
        return "\n".join(lines)
