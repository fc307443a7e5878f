"""Stage 1: a file on disk -> Document (plain text with page offsets), one loader per format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assistant.types import Document, DocumentMeta, PageSpan


class LoadError(ValueError):
    """A file could not be turned into text; the message says why and what to do."""


def load(path: Path, meta: DocumentMeta, max_file_mb: float = 20.0) -> Document:
    """Read one document. Raises LoadError with a practitioner-readable reason on bad input."""
    if not path.exists():
        raise LoadError(f"{path.name}: file not found at {path}")
    size = path.stat().st_size
    if size == 0:
        raise LoadError(f"{path.name}: the file is empty")
    if size > max_file_mb * 1024 * 1024:
        raise LoadError(
            f"{path.name}: {size / 1024 / 1024:.1f} MB is over the {max_file_mb:g} MB limit "
            "(GUIDANCE_MAX_FILE_MB); split the document or raise the limit"
        )
    suffix = path.suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        raise LoadError(
            f"{path.name}: unsupported file type {suffix or '(none)'}; supported: {', '.join(sorted(_LOADERS))}"
        )
    text, pages = loader(path)
    if len(text.strip()) < 20:
        raise LoadError(f"{path.name}: no readable text found (a scanned PDF needs OCR before it can be added)")
    return Document(meta=meta, text=text, pages=tuple(pages))


def _load_text(path: Path) -> tuple[str, list[PageSpan]]:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise LoadError(f"{path.name}: this looks like a binary file, not text")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding), []
        except UnicodeDecodeError:
            continue
    raise LoadError(f"{path.name}: the text is neither UTF-8 nor Windows-1252; re-save it as UTF-8")


def _load_pdf(path: Path) -> tuple[str, list[PageSpan]]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

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
