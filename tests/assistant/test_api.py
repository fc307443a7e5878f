"""`guidance serve`: the HTTP API on a free loopback port, driven by a real HTTP client."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.slow
STARTUP_SECONDS = 15


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def api(assistant):
    """The API over the session's index, served by uvicorn in a thread; always stopped."""
    import uvicorn

    from assistant.api import create_app

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(assistant), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                pytest.fail(f"the API did not start on 127.0.0.1:{port} within {STARTUP_SECONDS} s")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert not thread.is_alive(), "the API server did not stop"


def call(url: str, body: dict | None = None) -> tuple[int, dict | list | str]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data, {"content-type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw, status, kind = response.read(), response.status, response.headers.get("content-type", "")
    except urllib.error.HTTPError as exc:
        raw, status, kind = exc.read(), exc.code, exc.headers.get("content-type", "")
    return status, json.loads(raw) if "json" in kind else raw.decode()


def test_post_ask_returns_what_guidance_ask_json_prints(api, assistant):
    status, body = call(f"{api}/ask", {"question": "Which York team does S47 enquiries?"})
    assert status == 200
    expected = assistant.ask("Which York team does S47 enquiries?").as_dict()
    body.pop("timings_ms"), expected.pop("timings_ms")
    assert body == expected  # the same JSON as `guidance ask --json`, field for field
    assert body["authorities"] == ["City of York Council"] and body["citations"][0]["doc_id"]


def test_ask_with_authorities_and_history(api):
    status, body = call(
        f"{api}/ask",
        {"question": "What about Bath?", "history": ["How soon is a child seen in York?"], "authorities": []},
    )
    assert status == 200 and body["authorities"] == ["Bath and North East Somerset Council"]
    status, body = call(f"{api}/ask", {"question": "Who does S47 enquiries?", "authorities": ["B&NES"]})
    assert status == 200 and {c["authority"] for c in body["citations"]} <= {"Bath and North East Somerset Council"}


def test_bad_requests_say_what_to_fix(api):
    status, body = call(f"{api}/ask", {"question": "anything", "authorities": ["Yrok"]})
    assert status == 400 and "Did you mean" in body["detail"]
    status, body = call(f"{api}/ask", {"question": "   "})
    assert status == 400 and "question" in body["detail"].lower()
    status, _ = call(f"{api}/ask", {"history": []})
    assert status == 422  # no question at all: FastAPI's validation error


def test_sources_health_and_docs(api, assistant):
    status, sources = call(f"{api}/sources")
    assert status == 200 and len(sources) == len(assistant.manifest.documents)
    assert all(s["chunks"] > 0 and s["authority"] and s["date"] for s in sources)
    assert call(f"{api}/health") == (200, {"status": "ok", "documents": len(sources), "notice": ""})
    status, schema = call(f"{api}/openapi.json")
    assert status == 200 and set(schema["paths"]) == {
        "/ask",
        "/sources",
        "/timescales",
        "/health",
    }  # no curator actions
    status, page = call(f"{api}/docs")
    assert status == 200 and "swagger" in page.lower()


def test_timescales_table_for_one_council(api):
    status, rows = call(f"{api}/timescales")
    assert status == 200 and rows and {"authority", "value"} <= rows[0].keys()
    status, bath = call(f"{api}/timescales?authority=B%26NES")
    assert status == 200 and bath and {r["authority"] for r in bath} == {"Bath and North East Somerset Council"}
    status, body = call(f"{api}/timescales?authority=Yrok")
    assert status == 400 and "Did you mean" in body["detail"]


def test_guidance_serve_binds_loopback_by_default(assistant, monkeypatch):
    from assistant import api as api_module
    from assistant.cli import main

    monkeypatch.setenv("GUIDANCE_DATA_DIR", str(assistant.settings.data_dir))
    monkeypatch.setenv("GUIDANCE_CORPUS_DIR", str(assistant.settings.corpus_dir))
    started = []
    monkeypatch.setattr(api_module, "serve", lambda a, host, port: started.append((host, port)))
    assert main(["serve"]) == 0 and started == [("127.0.0.1", 8080)]
