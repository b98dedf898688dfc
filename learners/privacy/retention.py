"""Evidence files past the school's evidence period."""
