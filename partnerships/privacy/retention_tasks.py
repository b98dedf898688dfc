"""Background work for retention: the nightly removal of what has passed its time."""
