"""The matrix: every URL pattern of the project, by name, with its row."""

from tests.access import (
    rows_classes,
    rows_conversations,
    rows_documents,
    rows_imports,
    rows_learners,
    rows_partnerships,
    rows_privacy_consent,
    rows_privacy_exports,
    rows_privacy_notice,
    rows_privacy_requests,
    rows_privacy_retention,
    rows_reports,
    rows_schedules,
    rows_setup,
    rows_weekly,
    rows_year,
)


def _merge(*modules) -> dict:
    merged = {}
    for module in modules:
        twice = merged.keys() & module.ROWS.keys()
        assert not twice, f"rows given twice: {sorted(twice)}"
        merged |= module.ROWS
    return merged


MATRIX = _merge(
    rows_partnerships,
    rows_learners,
    rows_conversations,
    rows_schedules,
    rows_weekly,
    rows_reports,
    rows_documents,
    rows_setup,
    rows_imports,
    rows_classes,
    rows_year,
    rows_privacy_notice,
    rows_privacy_consent,
    rows_privacy_requests,
    rows_privacy_exports,
    rows_privacy_retention,
)
