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


def test_one_bad_byte_in_utf8_is_replaced_not_a_reason_to_switch_codecs():
    data = (GERMAN + " ").encode("utf-8") * 20 + b"\xff" + (" " + GERMAN).encode("utf-8")
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8-replaced"
    assert decoded.text.count(GERMAN) == 21 and decoded.text.count("\ufffd") == 1  # every umlaut intact


def test_text_that_is_broadly_not_utf8_still_goes_to_the_legacy_codecs():
    legacy = GERMAN.encode("cp1252") + " Straße".encode("utf-8")  # one valid sequence among many bad ones
    assert decode_bytes(legacy).encoding == "cp1252"
    assert decode_bytes("An English café".encode("cp1252")).encoding == "cp1252"  # ASCII and one accent
