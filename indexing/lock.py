"""One writer at a time: an advisory lock file in the data folder, held while an index is written."""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

LOCK_NAME = "index.lock"


class IndexBusy(RuntimeError):
    """Another process (or another request in this one) is writing the index now."""


@dataclass(frozen=True)
class LockHolder:
    pid: int
    since: float
    host: str

    @property
    def since_label(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.since))

    def describe(self) -> str:
        where = "" if self.host == socket.gethostname() else f" on {self.host}"
        return f"pid {self.pid}{where} since {self.since_label}"


@contextmanager
def index_lock(data_dir: Path) -> Iterator[LockHolder | None]:
    """Hold the data folder's index lock; raise IndexBusy naming the holder if it is taken.

    The lock is `flock` on `data_dir/index.lock`, so the kernel releases it when its process
    dies, however it dies: a lock left by a crashed run is simply taken over. The file also
    records who holds it (pid, start time, host), for the busy message and so that a takeover
    can be reported; the context yields that previous holder when it did not finish (None
    otherwise). flock locks belong to an open file, so two threads of one process exclude
    each other too.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read(fd)
            who = holder.describe() if holder else "holder unknown"
            raise IndexBusy(f"another index is running ({who}); try again when it has finished") from None
        abandoned = _read(fd)  # still written: that run never reached its `finally` (killed or crashed)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "since": time.time(), "host": socket.gethostname()}).encode(), 0)
        try:
            yield abandoned
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def lock_holder(data_dir: Path) -> LockHolder | None:
    """Who is indexing now, or None (for `index --check`; does not take the lock)."""
    path = data_dir / LOCK_NAME
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)  # flock needs no write access: a read-only reader can ask
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read(fd)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _read(fd: int) -> LockHolder | None:
    raw = os.pread(fd, 4096, 0)
    try:
        data = json.loads(raw)
        return LockHolder(int(data["pid"]), float(data["since"]), str(data.get("host", "")))
    except (ValueError, KeyError, TypeError):
        return None


MANIFEST_LOCK_WAIT_SECONDS = 30.0  # a manifest edit takes milliseconds; a longer wait means a stuck editor


@contextmanager
def manifest_lock(manifest_path: Path, wait_seconds: float = MANIFEST_LOCK_WAIT_SECONDS) -> Iterator[None]:
    """One manifest edit at a time: a read-modify-write (add, edit, retire) holds this `flock` on a
    `.manifest.lock` beside the manifest, so two adds from two processes (the CLI and the app) cannot
    each write a manifest that lacks the other's document. The second waits; after `wait_seconds`
    it raises IndexBusy."""
    path = manifest_path.parent / ".manifest.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise IndexBusy("another change to the library manifest is being saved; try again") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing the file releases the lock
