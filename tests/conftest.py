import os
import socket
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Any outbound connection other than loopback fails loudly."""
    real = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1")) and "/" not in host:
            raise RuntimeError(f"test tried to reach the network: {address}")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def assistant(tmp_path_factory):
    from assistant.service import GuidanceAssistant
    from assistant.settings import Settings

    settings = Settings.from_env(data_dir=tmp_path_factory.mktemp("data"), corpus_dir=ROOT / "corpus")
    a = GuidanceAssistant(settings)
    report = a.reindex()
    assert report.ok and report.chunks > 200
    return a
