import os
import shutil
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
def corpus_copy():
    """corpus_copy(dest, keep): a copy of corpus/ at dest, cut down to the `keep` documents."""
    from indexing.curate import remove_document
    from indexing.manifest import load_manifest

    def make(dest: Path, keep: tuple[str, ...] = ()) -> Path:
        shutil.copytree(ROOT / "corpus", dest)
        manifest = load_manifest(dest / "manifest.yaml")
        for doc_id in list(manifest.doc_ids):
            if keep and doc_id not in keep:
                manifest = remove_document(manifest, doc_id, delete_file=True)
        return dest

    return make


@pytest.fixture(scope="session")
def assistant(tmp_path_factory):
    from assistant.service import GuidanceAssistant
    from assistant.settings import Settings

    settings = Settings.from_env(data_dir=tmp_path_factory.mktemp("data"), corpus_dir=ROOT / "corpus")
    a = GuidanceAssistant(settings)
    report = a.reindex()
    assert report.ok and report.chunks > 200
    return a
