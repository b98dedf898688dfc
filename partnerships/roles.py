"""What hats a signed-in person wears (leader, teacher, whānau, student), worked out once a
request, for navigation, home pages and the pages one role alone may open (``staff_only``,
``leader_only``, ``whanau_only``, ``student_only``: anyone else finds no such page, a 404).
Which students and records they see is ``partnerships.access``."""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404

from partnerships.access import signed_in
from partnerships.models import School, Staff, User, WhanauLink


@dataclass(frozen=True)
class Roles:
    """What hats a signed-in person wears, for navigation and home pages."""

    led_school_ids: frozenset[int] = frozenset()
    staff_school_ids: frozenset[int] = frozenset()
    is_whanau: bool = False
    student_id: int | None = None
    schools: dict[int, School] = field(default_factory=dict)
    timezone: str | None = None  # their school's, for showing times
    # The school they chose to work in (``school_switch``), if they work in several.
    chosen_school_id: int | None = None

    @property
    def is_leader(self) -> bool:
        return bool(self.led_school_ids)

    @property
    def is_teacher(self) -> bool:
        return bool(self.staff_school_ids - self.led_school_ids)

    @property
    def is_staff(self) -> bool:
        return bool(self.staff_school_ids)

    @property
    def is_student(self) -> bool:
        return self.student_id is not None

    def _about(self, school_ids: frozenset[int]) -> School | None:
        """The chosen school while it is among ``school_ids``, else the first of them."""
        if self.chosen_school_id in school_ids:
            return self.schools[self.chosen_school_id]
        for school_id in sorted(school_ids):
            return self.schools[school_id]
        return None

    @property
    def staff_school(self) -> School | None:
        """The school a staff member's pages are about: the one they chose, if they work in
        several and it is still theirs, else the first."""
        return self._about(self.staff_school_ids)

    @property
    def led_school(self) -> School | None:
        """The school a leader's pages are about: the one they chose, if they lead it, else
        the first they lead."""
        return self._about(self.led_school_ids)

    @property
    def staff_schools(self) -> list[School]:
        """Every school they work in, by name: the choices of the school switcher."""
        return sorted(self.schools.values(), key=lambda school: (school.name, school.pk))


def roles_of(user, chosen_school_id: int | None = None) -> Roles:
    """Two queries, whatever the person's number of memberships. ``chosen_school_id``: the
    school they chose to work in (kept in their session), which counts only while they are
    on its staff."""
    if not signed_in(user):
        return Roles()
    memberships = list(Staff.objects.filter(user=user).select_related("school"))
    own_links = WhanauLink.objects.with_access().filter(whanau__user=OuterRef("pk"))
    is_whanau, student_id, student_zone, whanau_zone = (
        User.objects.filter(pk=user.pk)
        .annotate(
            is_whanau=Exists(own_links),
            whanau_zone=Subquery(own_links.values("student__school__timezone")[:1]),
        )
        .values_list("is_whanau", "student__pk", "student__school__timezone", "whanau_zone")
        .get()
    )
    # The chosen school's zone first, then by id as before.
    staff_zones = [
        m.school.timezone
        for m in sorted(memberships, key=lambda m: (m.school_id != chosen_school_id, m.school_id))
    ]
    return Roles(
        led_school_ids=frozenset(m.school_id for m in memberships if m.role == Staff.Role.LEADER),
        staff_school_ids=frozenset(m.school_id for m in memberships),
        is_whanau=is_whanau,
        student_id=student_id,
        schools={m.school_id: m.school for m in memberships},
        timezone=next(iter(staff_zones), None) or student_zone or whanau_zone,
        chosen_school_id=chosen_school_id,
    )


# In the session: the id of the school a person who works in several chose to work in.
CHOSEN_SCHOOL = "mahi_tahi.chosen_school"


def request_roles(request) -> Roles:
    """``roles_of`` for the signed-in person, worked out once per request."""
    if not hasattr(request, "_mahi_tahi_roles"):
        session = getattr(request, "session", None)
        chosen = session.get(CHOSEN_SCHOOL) if session is not None else None
        request._mahi_tahi_roles = roles_of(request.user, chosen if type(chosen) is int else None)
    return request._mahi_tahi_roles


def _role_required(has_role: Callable[[Roles], bool]):
    """A view decorator: signed in, and holding the role, or the page does not exist (404)."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not has_role(request_roles(request)):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_only = _role_required(lambda roles: roles.is_staff)
leader_only = _role_required(lambda roles: roles.is_leader)
whanau_only = _role_required(lambda roles: roles.is_whanau)
student_only = _role_required(lambda roles: roles.is_student)
