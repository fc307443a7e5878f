"""The app under AppTest: a temp copy of the corpus, a temp data folder, one index per session."""

from __future__ import annotations

import os
import shutil

import pytest
from ui_helpers import APP, PASSPHRASE, ROOT

TIMEOUT = 60  # seconds per AppTest run: the first one may still be loading the model


@pytest.fixture(scope="session")
def ui_settings(tmp_path_factory):
    """Point the app at copies (GUIDANCE_* variables) and build its assistant once.

    The assistant is cached by st.cache_resource for the whole process, so every AppTest in
    the session reuses the model and the index built here.
    """
    base = tmp_path_factory.mktemp("ui")
    corpus = base / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    items = base / "items.yaml"
    shutil.copyfile(ROOT / "evals" / "items.yaml", items)
    env = {
        "GUIDANCE_CORPUS_DIR": str(corpus),
        "GUIDANCE_DATA_DIR": str(base / "data"),
        "GUIDANCE_EVAL_ITEMS_PATH": str(items),
    }
    saved = {key: os.environ.get(key) for key in [*env, "GUIDANCE_CURATOR_PASSPHRASE_HASH"]}
    os.environ.update(env)
    os.environ.pop("GUIDANCE_CURATOR_PASSPHRASE_HASH", None)
    from ui.common import _load_assistant

    assistant = _load_assistant()
    assistant.reindex()  # the app never indexes; `make run` runs `guidance index` first, as this does
    yield assistant.settings
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def app(ui_settings):
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(APP, default_timeout=TIMEOUT)


@pytest.fixture
def curator(monkeypatch, ui_settings):
    """A configured passphrase (the real iteration count: weaker stored hashes are refused)."""
    from assistant.curator import hash_passphrase

    monkeypatch.setenv("GUIDANCE_CURATOR_PASSPHRASE_HASH", hash_passphrase(PASSPHRASE))
    return PASSPHRASE
