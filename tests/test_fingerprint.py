from extractors import bytes_hash, content_hash, normalize_for_hash


def test_typography_spacing_and_case_do_not_change_the_hash():
    a = "Kim schickt „Truppen“ nach Russland.\n\nDas sagte er am Montag."
    b = 'kim schickt "Truppen" nach  Russland. Das sagte er am Montag'
    assert content_hash(a) == content_hash(b)


def test_a_changed_word_changes_the_hash():
    assert content_hash("10.000 Soldaten") != content_hash("12.000 Soldaten")


def test_normalization_keeps_words_and_numbers():
    assert normalize_for_hash("Über 12.000 Soldaten!") == "über 12 000 soldaten"


def test_bytes_hash_sees_encoding_differences():
    text = "Größe"
    assert bytes_hash(text.encode("utf-8")) != bytes_hash(text.encode("cp1252"))
