"""Pages made of panels that every app contributes: the ground floor names no app above it.

Each app registers its panels in its ``AppConfig.ready``; a page asks each panel for its
context and shows those that answer. A panel's context function returns ``None`` when it has
nothing for this person, so it is left out.

- ``HOME``: each person's home page; ``context(request, roles)``.
- ``STUDENT``: a student's page, below the people the student is linked to;
  ``context(request, student, relation)``.
- ``STUDENT_LINKS``: the buttons on a student's page to each part of their record;
  ``context(request, student, relation)`` returns ``{"url": …, "label": …}``.
- ``WAITING``: what a whānau member or student should do first, on their home page;
  ``context(request, roles)`` returns a list of ``Waiting`` (or ``None``), in a constant
  number of queries however many there are.

Several panels of one page need the same family: ``own_links`` and ``own_student`` ask for
it once a request, whichever panel comes first.
"""

import datetime
from dataclasses import dataclass

from partnerships.access import own_whanau_links
from partnerships.models import Student, WhanauLink
from partnerships.registry import Registry


@dataclass(frozen=True)
class Waiting:
    """One thing waiting for the person: about which child, what, and where to do it."""

    student_id: int
    sentence: str  # in the active language: "Agree to Aroha’s goal “Times tables to 10”"
    url: str
    action: str  # the button: "Agree", "Book a time", "Write"
    at: datetime.datetime | None = None  # since when it has waited, for the order


class Page(Registry):
    """One page's panels, each registered with its ``template``."""

    def render(self, *args) -> list[tuple[str, dict]]:
        """(template, context) for each panel that has something to show."""
        shown = []
        for panel in self:
            context = panel.function(*args)
            if context is not None:
                shown.append((panel.details.get("template", ""), context))
        return shown


HOME = Page()
STUDENT = Page()
STUDENT_LINKS = Page()
WAITING = Registry()


def own_links(request) -> list[WhanauLink]:
    """A whānau member's links with access to their tamariki (``own_whanau_links``), with
    each child's school and class, by first name. One query, the first time a request asks."""
    if not hasattr(request, "_mahi_tahi_own_links"):
        request._mahi_tahi_own_links = list(
            own_whanau_links(request.user)
            .select_related("student__classroom", "student__school")
            .order_by("student__first_name")
        )
    return request._mahi_tahi_own_links


def own_student(request, roles) -> Student | None:
    """A student's own record, with school and class. One query, the first time asked."""
    if roles.student_id is None:
        return None
    if not hasattr(request, "_mahi_tahi_own_student"):
        request._mahi_tahi_own_student = Student.objects.select_related("classroom", "school").get(
            pk=roles.student_id
        )
    return request._mahi_tahi_own_student


def family_students(request, roles) -> dict[int, Student]:
    """The children a whānau member or student is asked about, by id: their tamariki and
    themself (``own_links``, ``own_student``)."""
    students = (
        {link.student_id: link.student for link in own_links(request)} if roles.is_whanau else {}
    )
    if (me := own_student(request, roles)) is not None:
        students[me.pk] = me
    return students
