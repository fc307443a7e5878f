"""The library's front: one GuidanceAssistant per process, shared by the CLI, the app and the evals."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Sequence
from dataclasses import replace

from assistant.answerability import AnswerabilityModel
from assistant.answering import Prepared, Request, answer, prepare
from assistant.followup import Reading, Turn, read_follow_up, turn_from
from assistant.query import Glossary, detect_authorities, with_possessive_apostrophes
from assistant.retrieve import Retriever
from assistant.settings import Settings, configure_offline
from assistant.types import Answer, Passage
from assistant.write import ExtractiveWriter
from indexing.embed import Embedder, MiniLMEmbedder
from indexing.manifest import Manifest, ManifestError, last_read_manifest, load_manifest
from indexing.onnx_embed import question_embedder
from indexing.pipeline import CACHE_FOLDER, IndexReport, IndexStatus, Progress, index, status
from indexing.store import ChunkStore

MAX_QUESTION_CHARS = 2000


class QuestionError(ValueError):
    """The question cannot be answered as typed, or not right now; the message says why."""


class LibraryUnavailable(QuestionError):
    """The index could not be searched (store unreachable or failing): every face that shows a
    QuestionError as a message (CLI, --jsonl, the Ask page) shows this one too, never a traceback."""


# Earlier questions given as text that are answered again to read a follow-up (read_question): a
# follow-up reads the turn before it, and that turn the one before it, so only the last few
# matter; the bound keeps a long history sent to the API at about this many answers (~15 ms each).
HISTORY_ANSWERED = 5


class GuidanceAssistant:
    def __init__(
        self,
        settings: Settings | None = None,
        embedder: Embedder | None = None,
        store: ChunkStore | None = None,
        model: AnswerabilityModel | None = None,
    ) -> None:
        configure_offline()
        self.settings = settings or Settings.from_env()
        started = time.perf_counter()
        self.embedder = embedder or question_embedder(self.settings)  # onnxruntime: no torch import
        self.store = store or ChunkStore.open(self.settings)
        self.manifest: Manifest = self._opening_manifest()
        self.glossary = Glossary.load(self.settings.glossary_path)
        self.empty_glossary = Glossary({})
        self.retriever = Retriever(self.store, self.settings)
        self._manifest_for = ""  # the index generation and manifest file last (re)read for
        self.writer = ExtractiveWriter(
            model or AnswerabilityModel.load(), max_sentences=self.settings.max_sentences_per_authority
        )
        self._brief_writer()
        if self.settings.llm_base_url:  # the optional generative writer, for every face alike
            from assistant.generative import use_generative_writer

            use_generative_writer(self)
        self.load_seconds = time.perf_counter() - started

    def _opening_manifest(self) -> Manifest:
        """The manifest; when a hand edit has broken it, the one last read without a problem, as a
        running app keeps (each face says what is wrong from `status()`, which reads the file).
        A broken manifest with no earlier reading stops the assistant with the file and line."""
        cache = self.settings.data_dir / CACHE_FOLDER
        try:
            return load_manifest(self.settings.manifest_path, cache)
        except ManifestError:
            last = last_read_manifest(self.settings.manifest_path, cache)
            if last is None:
                raise
            return last

    def warm_up_in_background(self) -> threading.Thread:
        """Load the redaction engine that `without_personal_details` uses (Presidio and spaCy,
        seconds cold) and the parser that finds a topic's head noun (topic.noun_heads) on a daemon
        thread, for a face that stays up (the app, the API): the first question with a name in it,
        or asking for a timescale, then does not wait for them."""
        from assistant.redaction import redactor_for
        from assistant.topic import noun_heads

        redactor = redactor_for(self.settings.corpus_dir)

        def warm() -> None:
            redactor.find("warm up")
            noun_heads("the warm up")

        thread = threading.Thread(target=warm, name="redactor-warm-up", daemon=True)
        thread.start()
        return thread

    @property
    def aliases(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for authority in self.manifest.authorities:
            out[authority.name] = authority.name
            for alias in authority.aliases:
                out[alias] = authority.name
        return out

    def resolve_authorities(self, names: list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
        """Canonical names for user-given names or aliases; ManifestError for an unknown one."""
        return tuple(dict.fromkeys(self.manifest.authority(n).name for n in names or () if n.strip()))

    def ask(
        self,
        question: str,
        authorities: list[str] | tuple[str, ...] | None = None,
        include_superseded: bool = False,
        mode: str | None = None,
        use_glossary: bool = True,
        history: Sequence[str | Turn] | None = None,
    ) -> Answer:
        return self.ask_traced(question, authorities, include_superseded, mode, use_glossary, history)[0]

    def referral_check(self, concern: str, authority: str | None = None) -> Answer:
        """A partner's concern, answered as "should I refer, and where?": never refused (the front
        door of the council chosen, or every council's), whatever words the concern is in."""
        return self.ask_traced(concern, [authority] if authority else None, intent="referral")[0]

    def read_question(self, question: str, history: Sequence[str | Turn] | None) -> Reading:
        """The question as it should be answered given the earlier questions of the conversation
        (oldest first; plain strings, or Turns that also carry what each answer named)."""
        turns: list[Turn] = []
        earlier_questions = list(history or ())
        for n, earlier in enumerate(earlier_questions):
            if isinstance(earlier, Turn):
                turns.append(earlier)
                continue
            if n < len(earlier_questions) - HISTORY_ANSWERED:
                # Long ago: read, not answered again (its council is the one its reading names).
                reading = read_follow_up(str(earlier), [self._without_unnamed_national(t) for t in turns], self.aliases)
                turns.append(Turn(reading.text, tuple(detect_authorities(reading.text, self.aliases))))
                continue
            # An earlier question given as text is answered again, as the conversation answered
            # it: a follow-up refers to what that answer named and the council it came from,
            # exactly as in the chat, where each Turn is made from the answer shown (turn_from).
            turns.append(turn_from(self.ask(str(earlier), history=list(turns))))
        return read_follow_up(question, [self._without_unnamed_national(t) for t in turns], self.aliases)

    def _without_unnamed_national(self, turn: Turn) -> Turn:
        """The turn with national guidance left out of its councils unless its question named it:
        national guidance is no council a follow-up is asked in. After "what does a private foster
        carer have to tell the local authority …?", answered from the DfE's guidance, "what if …?"
        had been read "… in DfE?", and those words cost the answer its confidence."""
        national = getattr(getattr(self.writer, "extractive", self.writer), "national", frozenset())
        named = set(detect_authorities(turn.question, self.aliases))
        kept = tuple(a for a in turn.authorities if a not in national or a in named)
        return turn if kept == turn.authorities else replace(turn, authorities=kept)

    def ask_traced(
        self,
        question: str,
        authorities: list[str] | tuple[str, ...] | None = None,
        include_superseded: bool = False,
        mode: str | None = None,
        use_glossary: bool = True,
        history: Sequence[str | Turn] | None = None,
        intent: str | None = None,
    ) -> tuple[Answer, list[Passage]]:
        """The answer and the ranked passages it was written from (for evals and debugging).
        With a history, a follow-up is read against it first (Answer.understood_as says how)."""
        question = (question or "").strip()
        if not question:
            raise QuestionError("Type a question first.")
        if len(question) > MAX_QUESTION_CHARS:
            raise QuestionError(
                f"That question is {len(question)} characters; please keep it under {MAX_QUESTION_CHARS}."
            )
        started = time.perf_counter()
        try:
            snap = self.retriever.snapshot()
            if snap.empty:
                raise QuestionError("The guidance library is empty: run `guidance index` (or add a document) first.")
            self._follow_index(snap.version)
            asked, shown, left_out = self.without_personal_details(question, snap.vocabulary)
            asked = with_possessive_apostrophes(asked, self.aliases)
            reading = self.read_question(asked, history) if history else Reading(asked, False)
            request = Request(
                reading.text,
                self.resolve_authorities(authorities),
                include_superseded,
                mode,
                use_glossary,
                # a partner's follow-up about the same child ("should I tell the parents first?") is
                # answered as a partner's question: the front door first, never a refusal
                intent or ("referral" if reading.rule == "partner" else None),
                follow_up=reading.inherited,
                typed=asked if reading.inherited else "",
                conversation_council=reading.conversation_council,
            )
            result, prepared = answer(self, request, snap)
        except (QuestionError, ManifestError):
            raise
        except Exception as exc:  # the store, not the question: say so instead of a traceback
            raise LibraryUnavailable(
                "The guidance library could not be searched just now "
                f"({type(exc).__name__}: {str(exc)[:200]}). Please try again in a moment; if it keeps "
                "happening, tell whoever runs the assistant."
            ) from exc
        timings = {**result.timings_ms, "total": (time.perf_counter() - started) * 1000}
        # A follow-up shows how it was read; a question with a detail left out shows where it was.
        understood = reading.text if reading.inherited else shown if left_out else ""
        answered = replace(result, question=question, understood_as=understood, left_out=left_out, timings_ms=timings)
        return answered, prepared.passages

    def without_personal_details(
        self, question: str, known_words: frozenset[str]
    ) -> tuple[str, str, tuple[str, ...]]:
        """The question to answer, without the personal details typed into it; the question as
        shown to the asker, each detail's place marked ("[name] in year 3 …"); and what was left
        out ("a name", "a date of birth"). A name or an address is no part of what the guidance
        says, but its words are words no guidance sentence holds: typed into the library's tune
        questions, a name and a date of birth took items passed 0.73 -> 0.65 and wrong refusals
        0.05 -> 0.15, and a name before a danger-now message lost the 999 line on 7 of 145.
        Presidio is loaded (seconds, once per process) only for a question that may hold a
        detail (assistant.redaction.may_hold_personal_details)."""
        from assistant.query import STOPWORDS
        from assistant.redaction import may_hold_personal_details, personal_details_left_out

        if not may_hold_personal_details(question, known_words, STOPWORDS):
            return question, question, ()
        try:
            asked, shown, left_out = personal_details_left_out(question, self.settings.corpus_dir)
        except RuntimeError:  # the redaction engine is not installed: answer as typed rather than not at all
            return question, question, ()
        return (asked, shown, left_out) if asked.strip() else (question, question, ())

    def retrieve(
        self, question: str, authorities: tuple[str, ...] = (), mode: str | None = None, use_glossary: bool = True
    ) -> list[Passage]:
        """Retrieval alone (for evals and the benchmark)."""
        return self.prepare(question, authorities, mode=mode, use_glossary=use_glossary).passages

    def prepare(
        self,
        question: str,
        authorities: tuple[str, ...] = (),
        include_superseded: bool = False,
        mode: str | None = None,
        use_glossary: bool = True,
    ) -> Prepared:
        """Understanding, the question vector and the ranked passages: what a writer is given."""
        return prepare(self, Request(question, tuple(authorities), include_superseded, mode, use_glossary))

    def reindex(
        self, rebuild: bool = False, progress: Progress | None = None, allow_removal: bool = False
    ) -> IndexReport:
        """Index with the embedder already loaded (2 threads for bulk work), then reload metadata.
        Raises IndexBusy when another index is running, RemovalRefused for a mass removal."""
        report = index(
            self.settings,
            _BulkEmbedder(self.embedder, self.settings.index_threads),
            rebuild=rebuild,
            allow_removal=allow_removal,
            store=self.store,
            progress=progress,
        )
        self.reload_manifest()
        return report

    def status(self) -> IndexStatus:
        """How the index compares with the manifest: questions never index, they report this."""
        return status(self.settings, self.store)

    def needs_indexing(self) -> bool:
        state = self.status()
        return state.empty or state.stale

    def follow_index(self) -> None:
        """Bring the councils (names, aliases, front doors) up to the current index, as every
        question does; for a face that lists them before any question (the app's pages). One
        pointer read; no index yet, or a store that is down, leaves them as they are."""
        try:
            version = self.retriever.snapshot().version
        except Exception:  # noqa: BLE001 - each face says so when it asks
            return
        self._follow_index(version)

    def _follow_index(self, version: str) -> None:
        """A new index generation may come with manifest changes (a council's aliases or front
        door), and so may the file itself (a front door's phone number saved on the Library page,
        which re-indexes nothing): re-read it once per generation and once per change of the file
        (one stat a question); a broken manifest keeps the one already read."""
        seen = f"{version}|{self._manifest_stamp()}"
        if seen == self._manifest_for:
            return
        with contextlib.suppress(ManifestError):
            self.reload_manifest()
        self._manifest_for = seen

    def _manifest_stamp(self) -> str:
        try:
            stat = self.settings.manifest_path.stat()
        except OSError:
            return ""
        return f"{stat.st_mtime_ns}:{stat.st_size}"

    def reload_manifest(self) -> None:
        self.manifest = load_manifest(self.settings.manifest_path, self.settings.data_dir / CACHE_FOLDER)
        self._brief_writer()

    def _brief_writer(self) -> None:
        """What the writer needs from the manifest: each council's front door and contact details,
        and which authorities' guidance is national (never listed among the councils' front doors:
        ExtractiveWriter.councils_front_doors)."""
        authorities = self.manifest.authorities
        writer = getattr(self.writer, "extractive", self.writer)  # a generative writer words its answers
        writer.front_doors = {a.name: a.front_door for a in authorities if a.front_door}
        writer.contacts = {a.name: a.contacts for a in authorities}
        writer.national = frozenset(a.name for a in self.manifest.authorities if a.national)


class _BulkEmbedder:
    """Wraps the query embedder so indexing uses more threads than a single query does."""

    def __init__(self, inner: Embedder, threads: int) -> None:
        self.inner = inner
        self.threads = threads

    def embed(self, texts):  # noqa: ANN001, ANN201
        if isinstance(self.inner, MiniLMEmbedder):
            return self.inner.embed(texts, threads=self.threads)
        return self.inner.embed(texts)


__all__ = ["GuidanceAssistant", "QuestionError", "LibraryUnavailable", "ManifestError"]
