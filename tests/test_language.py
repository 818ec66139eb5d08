from extractors import detect_language

GERMAN = (
    "Die Regierung in Berlin hat am Montag neue Hilfen für die Ukraine angekündigt. "
    "Nach Angaben des Ministeriums sollen die Lieferungen noch in diesem Jahr beginnen."
)
ENGLISH = (
    "The government in London announced new aid for Ukraine on Monday. "
    "According to the ministry, the deliveries are due to start before the end of the year."
)


def test_german_and_english_are_told_apart():
    assert detect_language(GERMAN).code == "de"
    assert detect_language(ENGLISH).code == "en"
    assert detect_language(GERMAN).probability > 0.9


def test_detection_is_deterministic_on_ambiguous_text():
    mixed = "Kim Jong Un Putin Pjöngjang Moskau Kursk KN-23 Iskander"
    results = {detect_language(mixed) for _ in range(10)}
    assert len(results) == 1


def test_text_without_letters_has_no_language():
    assert detect_language("12 345 — 67").code is None


def test_compact_profiles_give_langdetects_own_probabilities():
    """The float32 profile rows (extractors/language.py) against a factory langdetect builds itself."""
    from langdetect import DetectorFactory, detector_factory

    from extractors.language import _CompactFactory

    own = DetectorFactory()
    own.load_profile(detector_factory.PROFILES_DIRECTORY)
    compact = _CompactFactory()
    compact.load_profile(detector_factory.PROFILES_DIRECTORY)
    assert compact.langlist == own.langlist
    texts = [GERMAN, ENGLISH, "Kim Jong Un Putin Pjöngjang Moskau Kursk KN-23 Iskander",
             "Le gouvernement a annoncé lundi une nouvelle aide pour l'Ukraine.",
             "El gobierno anunció el lunes una nueva ayuda para Ucrania."]
    for text in texts:
        results = []
        for factory in (own, compact):
            detector = factory.create()
            detector.append(text)
            results.append([(p.lang, round(p.prob, 4)) for p in detector.get_probabilities()])
        assert results[0] == results[1], text
        assert results[0][0][1] > 0.5
