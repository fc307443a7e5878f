"""Curator passphrase: salted PBKDF2 hashes, constant-time check, and the `hash` command."""

import io

from assistant.curator import hash_passphrase, is_configured, main, verify_passphrase


def test_hash_verifies_only_the_right_passphrase():
    stored = hash_passphrase("correct horse battery", iterations=1000)
    assert stored.startswith("pbkdf2_sha256$1000$") and is_configured(stored)
    assert verify_passphrase("correct horse battery", stored)
    assert not verify_passphrase("correct horse batter", stored)


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
