"""Goals and comments a person may ask to have corrected."""
