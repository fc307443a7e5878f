import pytest

from assistant.types import DocumentMeta
from indexing.load import LoadError, load

META = DocumentMeta("d", "A Council", "T", "x", "undated", "d")


def test_non_utf8_text_is_read_as_windows_1252(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("Fees are \u00a3100 per assessment for the council's work.".encode("cp1252"))
    assert "\u00a3100" in load(path, META).text


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("empty.txt", b"", "empty"),
        ("bad.pdf", b"%PDF-1.4 this is not really a pdf", "damaged"),
        ("bad.docx", b"not a zip", "damaged"),
        ("a.xyz", b"hello there, some text", "unsupported"),
        ("bin.txt", b"\x00\x01\x02binary" * 10, "binary"),
    ],
)
def test_bad_files_get_clear_errors(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError, match=message):
        load(path, META)


def test_too_large_file_rejected(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * (2 * 1024 * 1024))
    with pytest.raises(LoadError, match="2.0 MB is over the 1.0 MB limit"):
        load(path, META, max_file_mb=1)


def test_encrypted_pdf_rejected(tmp_path):
    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text="The child will be seen within 5 working days.")
    plain = tmp_path / "plain.pdf"
    pdf.output(str(plain))
    assert "5 working days" in load(plain, META).text
    writer = PdfWriter(clone_from=PdfReader(str(plain)))
    writer.encrypt("secret", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    with open(locked, "wb") as fh:
        writer.write(fh)
    with pytest.raises(LoadError, match="password"):
        load(locked, META)
