"""Exports: a person's information for an access request, a whole school's data for a leader.

(Interface fixed; the builder is filled in by the exports work.)"""

from partnerships.models import PrivacyExport, PrivacyRequest, School


def export_request(*, actor, request: PrivacyRequest, include_student: bool) -> PrivacyExport:
    """Queue the export answering an access request (one per request: asked twice, the same)."""
    raise NotImplementedError


def export_school(*, actor, school: School) -> PrivacyExport:
    """Queue an export of everything the school holds, for the leader who asked."""
    raise NotImplementedError
