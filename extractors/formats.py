"""Which file names hold which kind of document; kept apart so that code which only sorts files
does not import the extractors (trafilatura, langdetect) with them."""

HTML_SUFFIXES = (".html", ".htm")
MARKDOWN_SUFFIXES = (".md", ".markdown")
TEXT_SUFFIXES = (".txt",) + MARKDOWN_SUFFIXES
