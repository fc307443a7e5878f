"""Curator access: a salted passphrase hash in configuration unlocks changes to the library.

`python -m assistant.curator hash` prints the value for GUIDANCE_CURATOR_PASSPHRASE_HASH.
"""

from __future__ import annotations

import argparse
import base64
import getpass
import hashlib
import hmac
import secrets
import sys

# OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256; ~0.3 s per check on a 2-core machine,
# which is nothing for a curator unlocking once and a lot for someone guessing offline.
PBKDF2_ITERATIONS = 600_000
_SCHEME = "pbkdf2_sha256"
MIN_PASSPHRASE_CHARS = 12


def hash_passphrase(passphrase: str, iterations: int = PBKDF2_ITERATIONS, salt: bytes | None = None) -> str:
    """'pbkdf2_sha256$iterations$salt$hash' (salt and hash base64): the format Django uses."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", passphrase.encode("utf-8"), salt, iterations)
    return f"{_SCHEME}${iterations}${_b64(salt)}${_b64(digest)}"


def verify_passphrase(passphrase: str, stored: str) -> bool:
    """True only when a hash is configured and the passphrase matches it (constant-time compare)."""
    parts = stored.strip().split("$")
    if len(parts) != 4 or parts[0] != _SCHEME or not parts[1].isdigit():
        return False
    try:
        salt, expected = base64.b64decode(parts[2]), base64.b64decode(parts[3])
    except ValueError:
        return False
    digest = hashlib.pbkdf2_hmac("sha256", passphrase.encode("utf-8"), salt, int(parts[1]))
    return hmac.compare_digest(digest, expected)


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
