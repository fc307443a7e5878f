"""Stage 1: a file on disk -> Document (plain text with page offsets), one loader per format."""

from __future__ import annotations

import codecs
import logging
from collections.abc import Callable
from pathlib import Path

from assistant.types import Document, DocumentMeta, PageSpan


class LoadError(ValueError):
    """A file could not be turned into text; the message says why and what to do."""


def load(path: Path, meta: DocumentMeta, max_file_mb: float = 20.0) -> Document:
    """Read one document. Raises LoadError with a practitioner-readable reason on bad input."""
    if not path.exists():
        raise LoadError(f"{path.name}: file not found at {path}")
    if not path.is_file():
        raise LoadError(f"{path.name}: {path} is a folder, not a document")
    size = path.stat().st_size
    if size == 0:
        raise LoadError(f"{path.name}: the file is empty")
    limit = max_file_mb * 1024 * 1024
    if size > limit:
        shown, limit_shown = format_size(size), format_size(limit)
        if shown == limit_shown:  # 1.0 MB over a 1.0 MB limit reads as a contradiction
            shown, limit_shown = f"{size:,} bytes", f"{int(limit):,} bytes"
        raise LoadError(
            f"{path.name}: {shown} is over the {limit_shown} limit "
            f"(GUIDANCE_MAX_FILE_MB={max_file_mb:g}); split the document or raise the limit"
        )
    suffix = path.suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        raise LoadError(
            f"{path.name}: unsupported file type {suffix or '(none)'}; supported: {', '.join(sorted(_LOADERS))}"
        )
    try:
        text, pages = loader(path)
    except OSError as exc:
        raise LoadError(f"{path.name}: cannot be read ({exc.strerror or exc.__class__.__name__})") from exc
    if len(text.strip()) < MIN_TEXT_CHARS:
        raise LoadError(f"{path.name}: {_no_text_reason(suffix, text)}")
    return Document(meta=meta, text=text, pages=tuple(pages))


MIN_TEXT_CHARS = 20  # shorter than one sentence: nothing a practitioner could be quoted


def _no_text_reason(suffix: str, text: str) -> str:
    found = f"only {len(text.strip())} characters of text" if text.strip() else "no text at all"
    if suffix == ".pdf":
        return f"no readable text found ({found}); a scanned PDF needs OCR before it can be added"
    if suffix in (".html", ".htm"):
        return f"no text found outside scripts, styles and navigation ({found.removesuffix(' at all')})"
    if suffix == ".docx":
        return f"no text found in the Word document ({found}; pictures of text are not read)"
    return f"no text found ({found})"


def format_size(size: float) -> str:
    """Bytes in the unit that reads best: 900 bytes, 12.5 KB, 3.2 MB."""
    if size < 1024:
        return f"{size:.0f} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


# Byte-order marks, longest first (UTF-32 LE starts with the UTF-16 LE mark).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)


def _load_text(path: Path) -> tuple[str, list[PageSpan]]:
    """UTF-8, or UTF-16/32 with a byte-order mark, or Windows-1252 (older council exports)."""
    raw = path.read_bytes()
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(codec), []
            except UnicodeDecodeError as exc:
                raise LoadError(
                    f"{path.name}: starts as {name} text but is damaged at byte {exc.start}; save it as UTF-8"
                ) from exc
    head = raw[:4096]
    if b"\x00" in head:
        if _looks_like_utf16(head):
            raise LoadError(
                f"{path.name}: the text is UTF-16 without a byte-order mark; save it as UTF-8 "
                "(in Notepad: Save as, Encoding: UTF-8)"
            )
        raise LoadError(f"{path.name}: this looks like a binary file, not text")
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return raw.decode("cp1252"), []
    except UnicodeDecodeError:
        pass
    raise LoadError(
        f"{path.name}: the text is neither UTF-8 nor Windows-1252 (byte 0x{raw[utf8_error.start]:02x} at "
        f"position {utf8_error.start}); save it as UTF-8"
    )


def _looks_like_utf16(head: bytes) -> bool:
    """ASCII-range text in UTF-16 has a zero in every other byte (odd ones for LE, even for BE)."""
    even, odd = head[0::2], head[1::2]
    return max(even.count(0), odd.count(0)) > 0.8 * min(len(even), len(odd)) > 0


def _load_pdf(path: Path) -> tuple[str, list[PageSpan]]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs each flaw it meets ("invalid pdf header: b'\\x00garb'", "EOF marker not found") and
    # Python prints those on stderr above our own message: a PDF it cannot read is reported once,
    # as a LoadError naming the file, and one it can read needs no remarks.
    logging.getLogger("pypdf").setLevel(logging.ERROR)

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                unlocked = reader.decrypt("")
            except Exception as exc:  # pypdf raises several types for unsupported crypto
                raise LoadError(f"{path.name}: the PDF is password-protected; save an unprotected copy") from exc
            if not unlocked:
                raise LoadError(f"{path.name}: the PDF is password-protected; save an unprotected copy")
        parts: list[str] = []
        pages: list[PageSpan] = []
        offset = 0
        for number, page in enumerate(reader.pages, start=1):
            page_text = (page.extract_text() or "").strip()
            pages.append(PageSpan(number=number, start=offset))
            parts.append(page_text)
            offset += len(page_text) + 2
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise LoadError(f"{path.name}: the PDF is damaged or not a PDF ({exc.__class__.__name__})") from exc
    return "\n\n".join(parts), pages


def _load_docx(path: Path) -> tuple[str, list[PageSpan]]:
    import zipfile

    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as exc:  # pragma: no cover - install problem
        raise LoadError("Word support is missing: pip install python-docx") from exc
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, PackageNotFoundError) as exc:
        raise LoadError(f"{path.name}: the Word file is damaged or not a .docx ({exc.__class__.__name__})") from exc
    lines: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = item.text.strip()
            if not text:
                continue
            style = (item.style.name if item.style is not None else "") or ""
            if style.startswith("Heading") and style[-1:].isdigit():
                lines.append(f"{'#' * int(style[-1])} {text}")
            elif style == "Title":
                lines.append(f"# {text}")
            elif "List" in style:
                lines.append(f"- {text}")
            else:
                lines.append(text)
        elif isinstance(item, Table):
            rows = ["\t".join(cell.text.strip() for cell in row.cells) for row in item.rows]
            lines.append("\n".join(rows))
    return "\n\n".join(lines), []


def _load_html(path: Path) -> tuple[str, list[PageSpan]]:
    from bs4 import BeautifulSoup

    text, _ = _load_text(path)
    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "noscript", "form"]):
        tag.decompose()
    root = soup.find("main") or soup.body or soup
    lines: list[str] = []
    for element in root.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "table", "dt", "dd"]):
        if element.find_parent("table") is not None and element.name != "table":
            continue
        if element.name == "li" and element.find(["p", "li"]) is not None:
            continue  # the nested paragraphs/items are emitted themselves
        if element.name == "p" and element.find_parent("li") is not None:
            continue
        if element.name == "table":
            rows = [
                "\t".join(cell.get_text(" ", strip=True) for cell in row.find_all(["td", "th"]))
                for row in element.find_all("tr")
            ]
            lines.append("\n".join(r for r in rows if r.strip()))
            continue
        content = element.get_text(" ", strip=True)
        if not content:
            continue
        if element.name[0] == "h":
            lines.append(f"{'#' * int(element.name[1])} {content}")
        elif element.name == "li":
            lines.append(f"- {content}")
        else:
            lines.append(content)
    return "\n\n".join(lines), []


_LOADERS: dict[str, Callable[[Path], tuple[str, list[PageSpan]]]] = {
    ".txt": _load_text,
    ".md": _load_text,
    ".pdf": _load_pdf,
    ".docx": _load_docx,
    ".html": _load_html,
    ".htm": _load_html,
}
SUPPORTED = tuple(sorted(_LOADERS))
