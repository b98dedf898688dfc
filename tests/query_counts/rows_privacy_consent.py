"""Query counts of the privacy pages: consent."""

PAGES: list = []
