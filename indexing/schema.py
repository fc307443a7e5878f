"""Corpus configuration files (manifest.yaml, glossary.yaml): read and check against a schema.

Every problem is reported as `FILE, line N, FIELD: what is wrong`, so a curator can open the
file at that line. The YAML is read with ruamel.yaml's round-trip loader because it keeps the
line of every key and list item; the schema itself is pydantic.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from assistant.types import STATUSES

MAX_ERRORS_SHOWN = 5  # one broken indentation can produce dozens; the first few say enough


class ConfigError(ValueError):
    """A corpus configuration file is invalid; the message names the file, line and field."""


# --- reading ---------------------------------------------------------------------------------


def read_yaml(path: Path, what: str) -> Any:
    """The parsed file (ruamel round-trip nodes, which know their lines), or ConfigError."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        raw = path.read_bytes()
    except IsADirectoryError as exc:
        raise ConfigError(f"{path} is a folder, not the {what} file") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{path}, line {line}: the {what} is not UTF-8 (byte 0x{raw[exc.start]:02x}); "
            "save it as UTF-8 in your editor"
        ) from exc
    try:
        return YAML(typ="rt").load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path}{where}: the {what} is not valid YAML: {problem}") from exc


def line_of(tree: Any, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the deepest node on `loc` (keys and list indexes) that the YAML placed."""
    line = None
    node = tree
    for step in loc:
        lc = getattr(node, "lc", None)
        try:
            if isinstance(node, dict) and step in node:
                if lc is not None:
                    line = lc.key(step)[0] + 1
                node = node[step]
            elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
                if lc is not None:
                    line = lc.item(step)[0] + 1
                node = node[step]
            else:
                break
        except (KeyError, IndexError, TypeError, AttributeError):
            break
    return line


def where(path: Path, tree: Any, loc: tuple[Any, ...]) -> str:
    """`path, line N` for the node at loc (just `path` when the line is unknown)."""
    line = line_of(tree, loc)
    return f"{path}, line {line}" if line else str(path)


# --- field types -----------------------------------------------------------------------------


def _text(value: Any) -> Any:
    """Scalars become text (a title `2019` or an unquoted date); lists, mappings and true/false do not."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise ValueError(f"must be text, not {str(value).lower()}")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        raise ValueError("must be text, not a mapping")
    if isinstance(value, list):
        raise ValueError("must be text, not a list")
    return value


def _text_list(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str):
        raise ValueError(f"must be a list, e.g. [{value}]; found the text {value!r}")
    return value


def _date(value: Any, allow_undated: bool) -> str:
    value = _text(value)
    if value == "" and allow_undated:
        return "undated"
    if value == "" or (allow_undated and value == "undated"):
        return value
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"must be YYYY-MM-DD{' or undated' if allow_undated else ''}, not {value!r}") from None
    return value


def _not_blank(value: Any) -> Any:
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()
    return value


def _contact(kind: str, matches: Callable[[str], bool], how: str) -> Callable[[Any], Any]:
    """A check for one of a front door's contact fields: empty, or `kind` as `matches` reads it."""

    def check(value: Any) -> Any:
        value = _text(value)
        if isinstance(value, str) and value.strip():
            value = " ".join(value.split())
            if not matches(value):
                raise ValueError(f"{value!r} is not {kind} ({how})")
        return value

    return check


# A partner will ring the number about a child: anything but a UK number as the council publishes
# it is refused, never tidied into one.
_phone = _contact(
    "a UK phone number",
    lambda v: bool(re.fullmatch(r"(?:\+44|0)\d{9,10}", re.sub(r"[\s()-]", "", v))),
    "0 and 9-10 more digits, or +44 and 9-10 digits; copy it as the council publishes it, or leave it empty",
)
_email = _contact(
    "an email address",
    lambda v: bool(re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s.]+", v)),
    "e.g. childrens.hub@example.gov.uk",
)
_web = _contact(
    "a web address",
    lambda v: bool(re.fullmatch(r"(?:https?://)?[\w-]+(?:\.[\w-]+)+(?:[/?#]\S*)?", v)),
    "e.g. https://www.example.gov.uk/report-a-concern",
)


Text = Annotated[str, BeforeValidator(_text)]
Phone = Annotated[str, BeforeValidator(_phone)]
Email = Annotated[str, BeforeValidator(_email)]
Web = Annotated[str, BeforeValidator(_web)]
RequiredText = Annotated[str, BeforeValidator(_not_blank), BeforeValidator(_text)]
TextList = Annotated[list[RequiredText], BeforeValidator(_text_list)]
Published = Annotated[str, BeforeValidator(lambda v: _date(v, allow_undated=True))]
ReviewDate = Annotated[str, BeforeValidator(lambda v: _date(v, allow_undated=False))]
DOC_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
DocId = Annotated[str, BeforeValidator(_text), Field(pattern=DOC_ID_PATTERN)]
Status = Literal["current", "superseded", "withdrawn"]
assert STATUSES == ("current", "superseded", "withdrawn")


def _status(value: Any) -> Any:
    return "current" if value is None or value == "" else value


class AuthorityEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: RequiredText
    aliases: TextList = []
    front_door: Text = ""
    # How a partner reaches the front door. Filled only from what a document or the council
    # publishes; left empty rather than guessed (a wrong number is the worst answer to give).
    phone: Phone = ""
    email: Email = ""
    web: Web = ""
    out_of_hours: Text = ""  # free text: a service and its number, as published
    # Guidance that applies in every council's area (a government department's statutory
    # guidance, e.g. Working Together): never "another council's, for its own area".
    national: bool = False


class ModelledOn(BaseModel):
    """Where an invented evaluation document's structure comes from (evals/unseen): informational."""

    model_config = ConfigDict(extra="allow")

    publisher: Text = ""
    title: Text = ""
    date: Text = ""
    url: Text = ""


class DocumentEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: DocId
    file: RequiredText
    authority: RequiredText
    title: RequiredText
    type: Annotated[str, BeforeValidator(lambda v: _text(v) or "guidance")] = "guidance"
    published: Published = "undated"
    date_note: Text = ""
    review_date: ReviewDate = ""
    status: Annotated[Status, BeforeValidator(_status)] = "current"
    exclude_sections: TextList = []
    modelled_on: ModelledOn | None = None


class ManifestFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    authorities: Annotated[list[AuthorityEntry], BeforeValidator(lambda v: [] if v is None else v)] = []
    documents: Annotated[list[DocumentEntry], BeforeValidator(lambda v: [] if v is None else v)] = []


# --- validation with readable errors ---------------------------------------------------------


def validate_manifest(path: Path) -> tuple[ManifestFile, Any]:
    """The checked manifest and its parsed tree (for line numbers in later checks)."""
    tree = read_yaml(path, "manifest")
    if tree is None:
        tree = {}
    if not isinstance(tree, dict):
        raise ConfigError(
            f"{path}: the manifest must be a mapping with `authorities:` and `documents:` at the top, not {_kind(tree)}"
        )
    try:
        return ManifestFile.model_validate(_plain(tree)), tree
    except ValidationError as exc:
        raise ConfigError(_explain(path, tree, exc, ManifestFile)) from None


def load_glossary_terms(path: Path) -> dict[str, tuple[str, ...]]:
    """Acronym -> expansions from glossary.yaml, checked: each value is a list of phrases."""
    if not path.exists():
        return {}
    tree = read_yaml(path, "glossary")
    if tree is None:
        return {}
    if not isinstance(tree, dict):
        raise ConfigError(
            f"{path}: the glossary must be a mapping of short forms to lists of expansions "
            f"(e.g. `S47: [section 47 enquiry]`), not {_kind(tree)}"
        )
    terms: dict[str, tuple[str, ...]] = {}
    problems = []
    for key, value in tree.items():
        short = _plain(key)
        at = where(path, tree, (key,))
        if short is None or isinstance(short, bool | list | dict) or not str(short).strip():
            problems.append(f"{at}: {short!r} is not a short form; write the acronym as text")
            continue
        short = str(short).strip()
        value = _plain(value)
        if isinstance(value, str):
            problems.append(f"{at}, {short}: write the expansions as a list, e.g. {short}: [{value}]")
        elif not value:
            problems.append(f"{at}, {short}: no expansions; give at least one, e.g. {short}: [what it stands for]")
        elif not isinstance(value, list) or not all(isinstance(x, str | int | float) and str(x).strip() for x in value):
            problems.append(f"{at}, {short}: expansions must be a list of phrases, not {_kind(value)}")
        else:
            terms[short] = tuple(str(x).strip() for x in value)
    if problems:
        raise ConfigError(_join(problems))
    return terms


def _explain(path: Path, tree: Any, exc: ValidationError, model: type[BaseModel]) -> str:
    lines = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        lines.append(f"{where(path, tree, loc)}, {_field_name(tree, loc)}: {_message(error, loc, model)}")
    return _join(lines)


def _join(problems: list[str]) -> str:
    shown = problems[:MAX_ERRORS_SHOWN]
    more = len(problems) - len(shown)
    return "\n".join(shown) + (f"\n(and {more} more)" if more else "")


def _field_name(tree: Any, loc: tuple[Any, ...]) -> str:
    """e.g. `documents[3] (york-procedures) field 'status'`."""
    parts: list[str] = []
    node = tree
    for step in loc:
        if isinstance(step, int):
            parts[-1] = f"{parts[-1]}[{step}]" if parts else f"[{step}]"
            if isinstance(node, list) and 0 <= step < len(node):
                node = node[step]
                label = node.get("id") or node.get("name") if isinstance(node, dict) else None
                if label and isinstance(label, str):
                    parts[-1] += f" ({label})"
            continue
        if len(parts) >= 1 and isinstance(node, dict) and step not in ("authorities", "documents"):
            parts.append(f"field {step!r}")
        else:
            parts.append(str(step))
        node = node.get(step) if isinstance(node, dict) else None
    return " ".join(parts) or "top level"


def _message(error: Any, loc: tuple[Any, ...], model: type[BaseModel]) -> str:
    kind = error["type"]
    value = error.get("input")
    if kind == "missing":
        return "is missing"
    if kind == "extra_forbidden":
        known = _known_fields(loc, model)
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"is not a known field{hint} (known: {', '.join(known)})"
    if kind == "literal_error":
        return f"must be one of {', '.join(STATUSES)}, not {value!r}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be a mapping of fields (name: value), not {_kind(value)}"
    if kind == "list_type":
        return f"must be a list, not {_kind(value)}"
    if kind == "string_pattern_mismatch":
        return f"{value!r} must be letters, digits and dashes (e.g. york-neglect-strategy-2024)"
    message = str(error["msg"]).removeprefix("Value error, ")
    return message


def _known_fields(loc: tuple[Any, ...], model: type[BaseModel]) -> list[str]:
    if loc and loc[0] == "documents":
        return list(DocumentEntry.model_fields)
    if loc and loc[0] == "authorities":
        return list(AuthorityEntry.model_fields)
    return list(model.model_fields)


def _kind(value: Any) -> str:
    if isinstance(value, str):
        return f"the text {value[:60]!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {value!r}"


def _plain(node: Any) -> Any:
    """ruamel's round-trip nodes as plain dicts, lists and scalars (ruamel's str subclasses too)."""
    if isinstance(node, dict):
        return {_plain(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(x) for x in node]
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, date):
        return date(node.year, node.month, node.day)
    return node
