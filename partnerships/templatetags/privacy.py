"""The link to a school's privacy notice, for the footer of every email it sends."""

from django import template

from partnerships import mail
from partnerships.privacy.notice import notice_path

register = template.Library()


@register.simple_tag
def privacy_notice_link(school) -> str:
    """The absolute link to ``school``'s notice: a ``School``, or the plain data a bulk
    email's context holds (a dict with its ``pk``). Nothing, for anything else."""
    school_id = school.get("pk") if isinstance(school, dict) else getattr(school, "pk", None)
    if type(school_id) is not int:
        return ""
    return mail.absolute_url(notice_path(school_id))
