"""Background work for privacy exports."""
