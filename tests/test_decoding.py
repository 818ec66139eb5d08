import codecs

import pytest

from extractors import UnreadableInput, decode_bytes

GERMAN = "Größere Übergänge für Soldaten – „Zitat“ kostet 5 €."


def test_utf8_plain():
    assert decode_bytes(GERMAN.encode("utf-8")).text == GERMAN


def test_utf8_with_bom_drops_the_mark():
    decoded = decode_bytes(codecs.BOM_UTF8 + GERMAN.encode("utf-8"))
    assert decoded.text == GERMAN
    assert decoded.encoding == "utf-8-sig"


def test_windows_1252_is_detected():
    decoded = decode_bytes(GERMAN.encode("cp1252"))
    assert decoded.text == GERMAN
    assert decoded.encoding == "cp1252"


def test_latin1_bytes_outside_cp1252_still_decode():
    data = "Straße".encode("latin-1") + b" \x81"  # 0x81 is undefined in cp1252
    decoded = decode_bytes(data)
    assert decoded.encoding == "latin-1"
    assert decoded.text.startswith("Straße")


def test_utf16_with_bom():
    decoded = decode_bytes(GERMAN.encode("utf-16"))
    assert decoded.text == GERMAN


def test_declared_html_charset_wins_over_fallbacks():
    html = '<meta charset="windows-1251"><p>Война</p>'.encode("cp1251")
    assert "Война" in decode_bytes(html).text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\t \n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (bytes(range(1, 32)) * 20, "binary file"),
    ],
)
def test_unusable_bytes_say_why(data, reason):
    with pytest.raises(UnreadableInput, match=reason):
        decode_bytes(data)
