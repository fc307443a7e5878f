"""Curator passphrase: salted PBKDF2 hashes, constant-time check, and the `hash` command."""

import io

import pytest

from assistant.curator import (
    MIN_ITERATIONS,
    CuratorLock,
    failure_delay,
    hash_passphrase,
    is_configured,
    main,
    stored_hash_problem,
    verify_passphrase,
)

PASSPHRASE = "correct horse battery"


@pytest.fixture(scope="module")
def stored() -> str:
    return hash_passphrase(PASSPHRASE)


def test_hash_verifies_only_the_right_passphrase(stored):
    assert stored.startswith(f"pbkdf2_sha256${MIN_ITERATIONS}$") and is_configured(stored)
    assert verify_passphrase(PASSPHRASE, stored)
    assert not verify_passphrase("correct horse batter", stored)


@pytest.mark.parametrize("iterations", [1, 1000, MIN_ITERATIONS - 1])
def test_weak_stored_hash_never_unlocks_and_says_why(iterations, tmp_path):
    weak = hash_passphrase(PASSPHRASE, iterations=iterations)
    assert not verify_passphrase(PASSPHRASE, weak)
    assert f"{iterations:,} iterations" in stored_hash_problem(weak) and "make curator-hash" in stored_hash_problem(weak)
    result = CuratorLock(weak, tmp_path / "lock.sqlite3").attempt(PASSPHRASE, "tab")
    assert not result.unlocked and "cannot be unlocked" in result.message


def test_delay_doubles_after_each_failure_up_to_a_cap():
    assert [failure_delay(n) for n in range(6)] == [0, 1, 2, 4, 8, 16]
    assert failure_delay(100) == 15 * 60


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_wrong_guesses_wait_longer_each_time_even_in_a_new_session(stored, tmp_path):
    clock = Clock()
    path = tmp_path / "lock.sqlite3"
    lock = CuratorLock(stored, path, clock)
    first = lock.attempt("guess one", "tab-a")
    assert not first.unlocked and first.wait_seconds == 1 and "not right" in first.message
    refused = lock.attempt(PASSPHRASE, "tab-a")  # during the wait even the right passphrase is not heard
    assert not refused.unlocked and "try again in 1 s" in refused.message
    clock.now += 1
    assert lock.attempt("guess two", "tab-a").wait_seconds == 2
    # New tabs (and a restarted app: a new CuratorLock on the same file) share the count after 5 failures.
    for n in range(3, 6):
        clock.now += 600
        lock = CuratorLock(stored, path, clock)
        lock.attempt(f"guess {n}", f"tab-{n}")
    clock.now += 600
    sixth = CuratorLock(stored, path, clock).attempt("guess 6", "tab-new")
    assert sixth.wait_seconds == 1 and CuratorLock(stored, path, clock).wait_seconds("another-tab") == 1
    clock.now += 2
    assert CuratorLock(stored, path, clock).attempt(PASSPHRASE, "another-tab").unlocked
    assert CuratorLock(stored, path, clock).wait_seconds("tab-new") == 0  # success clears the shared count


def test_same_passphrase_gets_a_different_salt_each_time():
    assert hash_passphrase("x" * 12, iterations=1000) != hash_passphrase("x" * 12, iterations=1000)


def test_nothing_configured_or_malformed_never_unlocks():
    for stored in ("", "   ", "5e884898da28047151d0e56f8dc62927", "pbkdf2_sha256$abc$x$y", "pbkdf2_sha256$10$!!$!!"):
        assert not verify_passphrase("", stored)
    assert not is_configured("")


def test_hash_command_prints_a_verifiable_hash(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough passphrase\n"))
    assert main(["hash"]) == 0
    stored = capsys.readouterr().out.strip()
    assert verify_passphrase("a long enough passphrase", stored)


def test_hash_command_refuses_a_short_passphrase(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["hash"]) == 1
