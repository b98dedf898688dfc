"""Setting a school up from its own pages."""
