import re

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


SENTENCE = "A social worker will visit the child within five working days of the referral."


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_text_with_a_byte_order_mark_is_read(tmp_path, encoding):
    path = tmp_path / "a.txt"
    data = SENTENCE.encode(encoding)
    path.write_bytes(data if encoding in ("utf-16", "utf-32", "utf-8-sig") else b"\xfe\xff" + data)
    assert load(path, META).text.strip() == SENTENCE


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("u16.txt", SENTENCE.encode("utf-16-le"), "UTF-16 without a byte-order mark; save it as UTF-8"),
        ("odd.txt", SENTENCE.encode() + b"\x81\x8d", "neither UTF-8 nor Windows-1252 (byte 0x81"),
        ("short.txt", b"see attached", "no text found (only 12 characters of text)"),
        ("page.html", b"<html><script>var a = 'only a script here';</script></html>", "no text found outside scripts"),
    ],
)
def test_unreadable_text_says_what_it_is(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError, match=re.escape(message)):
        load(path, META)


@pytest.mark.parametrize(
    "size,limit_mb,message",
    [
        (2000, 0.001, "2.0 KB is over the 1.0 KB limit"),
        (1049, 0.001, "1,049 bytes is over the 1,048 bytes limit"),  # both would read "1.0 KB"
        (3 * 1024 * 1024, 2, "3.0 MB is over the 2.0 MB limit"),
    ],
)
def test_size_limit_is_stated_in_the_unit_that_fits(tmp_path, size, limit_mb, message):
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * size)
    with pytest.raises(LoadError, match=re.escape(message)):
        load(path, META, max_file_mb=limit_mb)
