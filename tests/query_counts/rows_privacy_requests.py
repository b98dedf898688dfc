"""Query counts of the privacy pages: requests."""

PAGES: list = []
