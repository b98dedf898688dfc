"""The link to the privacy notice, for the footer of every email."""

from django import template
from django.urls import reverse

from partnerships import mail
from partnerships.privacy.notice import notice_path

register = template.Library()


@register.simple_tag
def privacy_notice_link(school=None) -> str:
    """The absolute link to ``school``'s notice: a ``School``, or the plain data a bulk
    email's context holds (a dict with its ``pk``). An email of no one school (a sign-in code
    to someone at several schools, or none) links the notice page instead, which shows each
    person their own school's once they sign in."""
    school_id = school.get("pk") if isinstance(school, dict) else getattr(school, "pk", None)
    if type(school_id) is not int:
        return mail.absolute_url(reverse("privacy_notice"))
    return mail.absolute_url(notice_path(school_id))
