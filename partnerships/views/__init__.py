"""The ground floor's pages, by subject."""
