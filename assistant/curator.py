"""Curator access: a salted passphrase hash in configuration unlocks changes to the library.

`python -m assistant.curator hash` prints the value for GUIDANCE_CURATOR_PASSPHRASE_HASH.
"""

from __future__ import annotations

import argparse
import base64
import getpass
import hashlib
import hmac
import math
import secrets
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256; ~0.3 s per check on a 2-core machine,
# which is nothing for a curator unlocking once and a lot for someone guessing offline.
PBKDF2_ITERATIONS = 600_000
# A stored hash weaker than this is refused: it is what `curator hash` makes, and anything less
# (an iteration count of 1, say) makes an offline guess of a leaked hash nearly free.
MIN_ITERATIONS = PBKDF2_ITERATIONS
MAX_ITERATIONS = 10_000_000  # ~5 s per check here; more is a typo that would hang the unlock
MAX_DELAY_SECONDS = 15 * 60
SHARED_FREE_FAILURES = 5  # failures by anyone before everyone waits
SHARED_RESET_SECONDS = 60 * 60  # the shared count is forgotten an hour after its last failure
_SHARED = "*"  # the scope of the count kept for every session together
_SCHEME = "pbkdf2_sha256"
MIN_PASSPHRASE_CHARS = 12


def hash_passphrase(passphrase: str, iterations: int = PBKDF2_ITERATIONS, salt: bytes | None = None) -> str:
    """'pbkdf2_sha256$iterations$salt$hash' (salt and hash base64): the format Django uses."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", passphrase.encode("utf-8"), salt, iterations)
    return f"{_SCHEME}${iterations}${_b64(salt)}${_b64(digest)}"


def verify_passphrase(passphrase: str, stored: str) -> bool:
    """True only when a strong hash is configured and the passphrase matches it (constant-time compare).

    A stored hash below MIN_ITERATIONS never unlocks: `stored_hash_problem` says why.
    """
    if stored_hash_problem(stored):
        return False
    _, iterations, salt_b64, hash_b64 = stored.strip().split("$")
    salt, expected = base64.b64decode(salt_b64), base64.b64decode(hash_b64)
    digest = hashlib.pbkdf2_hmac("sha256", passphrase.encode("utf-8"), salt, int(iterations))
    return hmac.compare_digest(digest, expected)


def stored_hash_problem(stored: str) -> str:
    """Why the configured hash cannot be used ("" when it can), in words for the administrator."""
    parts = stored.strip().split("$")
    remake = "make a new one with `make curator-hash` and set GUIDANCE_CURATOR_PASSPHRASE_HASH to it"
    if len(parts) != 4 or parts[0] != _SCHEME or not parts[1].isdigit():
        return f"GUIDANCE_CURATOR_PASSPHRASE_HASH is not a {_SCHEME}$iterations$salt$hash value; {remake}"
    iterations = int(parts[1])
    if iterations < MIN_ITERATIONS:
        return (
            f"GUIDANCE_CURATOR_PASSPHRASE_HASH uses {iterations:,} iterations, fewer than the {MIN_ITERATIONS:,} "
            f"needed to slow down guessing from a leaked hash; {remake}"
        )
    if iterations > MAX_ITERATIONS:
        return f"GUIDANCE_CURATOR_PASSPHRASE_HASH uses {iterations:,} iterations, which would take minutes; {remake}"
    try:
        salt, expected = base64.b64decode(parts[2], validate=True), base64.b64decode(parts[3], validate=True)
    except ValueError:
        return f"GUIDANCE_CURATOR_PASSPHRASE_HASH has a damaged salt or hash; {remake}"
    if len(salt) < 8 or len(expected) != 32:
        return f"GUIDANCE_CURATOR_PASSPHRASE_HASH has a salt or hash of the wrong length; {remake}"
    return ""


@dataclass(frozen=True)
class UnlockResult:
    unlocked: bool
    message: str  # what to show: why it is still locked, or "" when unlocked
    wait_seconds: float = 0.0  # until the next attempt is heard


class CuratorLock:
    """Passphrase attempts with a growing wait after each failure, remembered across sessions.

    Failures are counted per session (one browser tab) and for everyone together, in a small
    SQLite file in the data folder, so neither a new tab nor a restart resets the count. After
    n failures a session waits 2**(n-1) s (1, 2, 4 ... up to 15 min); the shared count allows
    SHARED_FREE_FAILURES first (colleagues mistyping) and then grows the same way for all.
    An attempt during the wait is refused without checking the passphrase and is not counted.
    A correct passphrase clears both counts.
    """

    def __init__(self, stored_hash: str, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.stored_hash = stored_hash
        self.path = path
        self.clock = clock

    def wait_seconds(self, session: str) -> float:
        now = self.clock()
        return max([0.0, *(ready - now for ready in self._ready_times(session))])

    def attempt(self, passphrase: str, session: str) -> UnlockResult:
        problem = stored_hash_problem(self.stored_hash)
        if problem:
            return UnlockResult(False, f"Curator changes cannot be unlocked: {problem}.")
        wait = self.wait_seconds(session)
        if wait > 0:
            return UnlockResult(False, f"Too many wrong passphrases: try again in {_duration(wait)}.", wait)
        if verify_passphrase(passphrase, self.stored_hash):
            with self._db() as db:
                db.execute("DELETE FROM failures WHERE scope IN (?, ?)", (_SHARED, session))
            return UnlockResult(True, "")
        now = self.clock()
        with self._db() as db:
            for scope in (session, _SHARED):
                db.execute(
                    "INSERT INTO failures(scope, count, last) VALUES (?, 1, ?) "
                    "ON CONFLICT(scope) DO UPDATE SET count = count + 1, last = excluded.last",
                    (scope, now),
                )
        wait = self.wait_seconds(session)
        return UnlockResult(False, f"That passphrase is not right. Try again in {_duration(wait)}.", wait)

    def _ready_times(self, session: str) -> list[float]:
        with self._db() as db:
            rows = dict(
                ((scope, (count, last)) for scope, count, last in
                 db.execute("SELECT scope, count, last FROM failures WHERE scope IN (?, ?)", (session, _SHARED)))
            )
        times = []
        if session in rows:
            count, last = rows[session]
            times.append(last + failure_delay(count))
        if _SHARED in rows:
            count, last = rows[_SHARED]
            if self.clock() - last < SHARED_RESET_SECONDS:
                times.append(last + failure_delay(count - SHARED_FREE_FAILURES))
        return times

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """The failure counts, committed and closed after each use (several app processes may share it)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=10)
        try:
            with db:
                db.execute("CREATE TABLE IF NOT EXISTS failures (scope TEXT PRIMARY KEY, count INTEGER, last REAL)")
                yield db
        finally:
            db.close()


def failure_delay(failures: int) -> float:
    """Seconds to wait after `failures` failures: 0, then 1, 2, 4, 8 ... capped at MAX_DELAY_SECONDS.

    Doubling keeps a mistyped passphrase cheap (1-2 s) while 20 guesses cost over 3 hours.
    """
    if failures <= 0:
        return 0.0
    return float(min(2 ** (failures - 1), MAX_DELAY_SECONDS))


def _duration(seconds: float) -> str:
    seconds = max(1, math.ceil(seconds))
    return f"{seconds} s" if seconds < 120 else f"{math.ceil(seconds / 60)} min"


def is_configured(stored: str) -> bool:
    return stored.strip().startswith(f"{_SCHEME}$")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.curator", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("hash", help="read a passphrase and print its salted hash for the configuration")
    parser.parse_args(argv)
    if sys.stdin.isatty():
        passphrase = getpass.getpass("Curator passphrase: ")
        if getpass.getpass("Again: ") != passphrase:
            print("The two passphrases differ; nothing printed.", file=sys.stderr)
            return 1
    else:
        passphrase = sys.stdin.readline().rstrip("\n")
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        print(f"Use at least {MIN_PASSPHRASE_CHARS} characters.", file=sys.stderr)
        return 1
    print(hash_passphrase(passphrase))
    print("Set it as GUIDANCE_CURATOR_PASSPHRASE_HASH (quote it: it contains $).", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
