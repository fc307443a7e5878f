"""Stage 4, without torch: the bundled all-MiniLM-L6-v2 exported to ONNX and run on onnxruntime.

Questions (and passages at index time) are embedded here: `import onnxruntime` takes ~0.4 s where
`import sentence_transformers` takes ~9.5 s (it pulls torch and transformers), and one question
embeds in about half the time. The export is made once from the bundled weights (torch is imported
for that, the first time a data folder is indexed) and cached in the data folder;
sentence-transformers (indexing/embed.py) stays the reference, and a test checks that both give
the same vectors.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.settings import Settings, configure_offline
from indexing.embed import model_path

log = logging.getLogger(__name__)

# From the model folder's sentence_bert_config.json. Its tokenizer.json says 128 (truncation and
# fixed padding), which sentence-transformers overrides; so do we.
MAX_TOKENS = 256
OPSET = 17  # supported by every onnxruntime of the last years; what the measurements used
# Bumped when the export itself changes, so an old file is rebuilt rather than trusted.
EXPORT_FORMAT = 1
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# Tokens per batch when indexing (texts x the longest one's tokens, padding included). Measured on
# the shipped corpus (1154 texts, 55k tokens, sorted by token count, one thread, CPU seconds, two
# runs each on a shared machine): batches of 8 texts 13.7/13.6, 16: 15.1/14.1, 32: 16.4/16.8,
# 64: 18.4/18.4, 128: 22.0/22.5; by tokens, 512: 13.8/13.0, 1024: 14.3/13.6, 8192: 20.7/20.3.
# Big batches spill the layers' activations out of the cache, and once texts are sorted padding is
# near zero anyway; a token budget keeps long chunks in small batches and short sentences in
# larger ones, so there are still few onnxruntime calls (~110 for the corpus).
BULK_BATCH_TOKENS = 512


def disable_onnxruntime_telemetry() -> None:
    """Stop onnxruntime's own telemetry before it starts. Its Linux wheel (1.32 here) records
    events (a device id, sessions, run counts, errors; no text) in ~/.cache/Microsoft/DeveloperTools
    for sending to Microsoft: every process that embedded a question added one.
    `ORT_DISABLE_TELEMETRY=1` turns all of it off when set before the first `import onnxruntime`
    (set later, the process's first event is still written). A value set by whoever runs the
    assistant is left as it is."""
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")


def token_batches(order: Sequence[int], lengths: Sequence[int], max_tokens: int) -> list[list[int]]:
    """Cut `order` (text positions, shortest first) into consecutive batches whose padded size,
    texts x the longest text's tokens, stays within max_tokens; a text that alone exceeds the
    budget is a batch of one. With lengths 3, 3, 4, 9 and 12 tokens: (3, 3, 4) pads to 12;
    adding the 9 would pad to 36."""
    batches: list[list[int]] = []
    current: list[int] = []
    for position in order:
        if current and (len(current) + 1) * lengths[position] > max_tokens:
            batches.append(current)
            current = []
        current.append(position)
    if current:
        batches.append(current)
    return batches


def onnx_path(settings: Settings) -> Path:
    """Where the export is cached (~90 MB; under data/, which is never committed)."""
    return settings.data_dir / "models" / "minilm.onnx"


def _source_stamp(folder: Path) -> dict[str, Any]:
    """What the export was made from: if the bundled weights change, the export is stale."""
    weights = folder / "model.safetensors"
    stat = weights.stat()
    return {
        "format": EXPORT_FORMAT,
        "opset": OPSET,
        "weights_bytes": stat.st_size,
        "weights_mtime_ns": stat.st_mtime_ns,
    }


def _stamp_path(path: Path) -> Path:
    return path.with_suffix(".json")


def export_is_current(path: Path) -> bool:
    try:
        stamp = json.loads(_stamp_path(path).read_text(encoding="utf-8"))
        return path.is_file() and stamp == _source_stamp(Path(model_path()))
    except (OSError, ValueError):
        return False


def export_onnx(path: Path) -> Path:
    """Export the bundled model's transformer (token embeddings out; pooling is done in numpy)
    with dynamic batch and sequence axes. Imports torch and transformers (~10 s): run at index
    time, not per question. Written to a temporary file and renamed, so a reader never sees half
    a file and two processes exporting at once both end with a whole one."""
    configure_offline()
    disable_onnxruntime_telemetry()
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # no "Loading weights" bar in the CLI or the app log
    folder = Path(model_path())
    model = AutoModel.from_pretrained(str(folder)).eval()

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    # A 2 x 16 example: the traced graph must not bake in batch 1 or sequence 1.
    example = torch.ones((2, 16), dtype=torch.long)
    dynamic = {name: {0: "batch", 1: "sequence"} for name in (*INPUTS, "last_hidden_state")}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".minilm-", suffix=".onnx", dir=path.parent)
    os.close(fd)
    try:
        # The tracer warns about Python conditions in the attention code; with an attention mask
        # always given they take one branch, and the equality test checks the result.
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                TokenEmbeddings(model),
                (example, example, torch.zeros_like(example)),
                tmp,
                input_names=list(INPUTS),
                output_names=["last_hidden_state"],
                dynamic_axes=dynamic,
                opset_version=OPSET,
                dynamo=False,  # the TorchScript exporter needs only `onnx`; dynamo would need onnxscript
            )
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the app may run as another user than the indexer
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    _stamp_path(path).write_text(json.dumps(_source_stamp(folder)), encoding="utf-8")
    return path


_EXPORTS_SEEN: list[Path] = []  # current exports this process has used: copied, not re-exported, for a new data folder


def ensure_export(settings: Settings) -> Path:
    """The cached export, made now if it is missing or stale (with a message: it takes ~15 s)."""
    path = onnx_path(settings)
    if not export_is_current(path):
        earlier = next((p for p in _EXPORTS_SEEN if p != path and export_is_current(p)), None)
        if earlier is not None:
            _copy_export(earlier, path)
        else:
            log.warning("Preparing the question model (one-off, about 15 seconds): exporting MiniLM to %s", path)
            export_onnx(path)
    if path not in _EXPORTS_SEEN:
        _EXPORTS_SEEN.append(path)
    return path


def _copy_export(source: Path, path: Path) -> None:
    """A hard link where the file system allows it (the file is never written in place), else a copy."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        os.link(source, tmp)
    except OSError:
        shutil.copyfile(source, tmp)
    os.replace(tmp, path)
    shutil.copyfile(_stamp_path(source), _stamp_path(path))


class OnnxEmbedder:
    """all-MiniLM-L6-v2 on onnxruntime: tokenizers for the word pieces, numpy for mean pooling and
    L2 normalisation, exactly as the sentence-transformers model folder configures them."""

    dimensions = 384

    def __init__(
        self, path: Path, threads: int = 1, batch_threads: int | None = None, batch_tokens: int = BULK_BATCH_TOKENS
    ) -> None:
        configure_offline()
        disable_onnxruntime_telemetry()
        from tokenizers import Tokenizer

        self.path = path
        self.threads = threads  # for one text: a question
        self.batch_threads = batch_threads or threads  # for many: indexing
        self.batch_tokens = batch_tokens
        self.tokenizer = Tokenizer.from_file(str(Path(model_path()) / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.no_padding()  # each batch is padded here, to its own longest text
        pad = self.tokenizer.token_to_id("[PAD]")
        self.pad_id = pad if pad is not None else 0
        self._sessions: dict[int, Any] = {}
        self._lock = threading.Lock()
        self._session(threads)  # load now, so the first question is not the one that waits

    def _session(self, threads: int) -> Any:
        """One onnxruntime session per thread count (intra-op threads are fixed when it is made).
        Questions use 1 thread: on 2 shared cores a second thread mostly waits for the other work.
        Extra threads sleep rather than spin between operators: measured with other work running,
        spinning 2 threads took 8.7 s for a batch that took 6.6 s without (1 thread: 6.7 s)."""
        with self._lock:
            if threads not in self._sessions:
                import onnxruntime as ort

                options = ort.SessionOptions()
                options.intra_op_num_threads = threads
                options.inter_op_num_threads = 1
                options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
                options.log_severity_level = 3  # errors only: no graph-optimisation chatter on stderr
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                self._sessions[threads] = ort.InferenceSession(
                    str(self.path), options, providers=["CPUExecutionProvider"]
                )
            return self._sessions[threads]

    def embed(self, texts: Sequence[str], threads: int | None = None) -> list[list[float]]:
        """Unit-length vectors, one per text, in order.

        For many texts (indexing) the work is cut four ways, each measured on the shipped corpus
        (1154 texts; CPU seconds on a shared 2-core machine): a text that occurs more than once is
        embedded once (55 repeated sentences: 17.2 -> 16.6 s); texts are sorted by token count, so
        a batch pads to almost nothing (for 55.0k real tokens, 71.6k ran when sorted by characters
        as sentence-transformers sorts, 58.6k when sorted by tokens); batches are small
        (BULK_BATCH_TOKENS); and whole batches are shared between `batch_threads` workers on one
        core each instead of every operator being split between threads (batches of 16 texts:
        14.1-14.9 s against 16.7-16.9 s)."""
        import numpy as np

        if not texts:
            return []
        workers = max(1, threads or (self.threads if len(texts) == 1 else self.batch_threads))
        unique = list(dict.fromkeys(texts))  # identical sentences recur (headings, stock phrases)
        encodings = self.tokenizer.encode_batch(unique)
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
        order = np.argsort(lengths, kind="stable")
        vectors = np.empty((len(unique), self.dimensions), dtype=np.float32)
        batches = [np.asarray(b) for b in token_batches(order.tolist(), lengths.tolist(), self.batch_tokens)]
        # One batch (a question) can only be split inside its operators; several go whole to workers.
        session = self._session(workers if len(batches) == 1 else 1)

        def run(batch: Any) -> None:
            vectors[batch] = self._embed_batch(session, [encodings[i].ids for i in batch], lengths[batch])

        if workers == 1 or len(batches) == 1:
            for batch in batches:
                run(batch)
        else:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="embed") as pool:
                list(pool.map(run, batches))  # onnxruntime lets go of the GIL while it runs
        if len(unique) < len(texts):
            position = {text: i for i, text in enumerate(unique)}
            vectors = vectors[[position[text] for text in texts]]
        return vectors.tolist()

    def _embed_batch(self, session: Any, ids_per_text: list[list[int]], lengths: Any) -> Any:
        import numpy as np

        longest = int(lengths.max())
        ids = np.full((len(ids_per_text), longest), self.pad_id, dtype=np.int64)
        for row, text_ids in enumerate(ids_per_text):
            ids[row, : len(text_ids)] = text_ids
        mask = (np.arange(longest)[None, :] < lengths[:, None]).astype(np.int64)
        # One sentence per input: every token type is 0, as the tokenizer gives for a single text.
        (tokens,) = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})
        # Mean over the real tokens only, then unit length (the folder's Pooling and Normalize modules).
        weights = mask.astype(np.float32)
        summed = np.einsum("bt,btd->bd", weights, tokens)
        means = summed / np.clip(weights.sum(axis=1, keepdims=True), 1e-9, None)
        return means / np.clip(np.linalg.norm(means, axis=1, keepdims=True), 1e-12, None)


def question_embedder(settings: Settings) -> Any:
    """The embedder a GuidanceAssistant answers questions (and indexes) with: ONNX, exported on
    first use if `guidance index` has not made it yet. For batches of passages it measured as fast
    as sentence-transformers here (60 chunks + 200 sentences, median of 6 under load: 6.7 s on 1
    thread against 7.1 s, 6.6 s on 2 against 14.8 s), so indexing needs no torch either.
    When the export cannot be made (e.g. the data folder is read-only), sentence-transformers
    instead, with a message: slower to start, same vectors."""
    try:
        path = ensure_export(settings)
        return OnnxEmbedder(path, threads=settings.query_threads, batch_threads=settings.index_threads)
    except Exception as exc:  # noqa: BLE001 - any failure here has the same remedy: the reference model
        from indexing.embed import MiniLMEmbedder

        log.warning(
            "The ONNX question model could not be used (%s: %s); using sentence-transformers, which "
            "starts ~10 s slower. Run `guidance index` as a user who can write %s to fix this.",
            type(exc).__name__,
            exc,
            onnx_path(settings).parent,
        )
        return MiniLMEmbedder(threads=settings.query_threads)
