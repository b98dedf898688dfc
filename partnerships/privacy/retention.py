"""Retention: what has passed a school's periods, previewed for leaders, removed nightly."""
