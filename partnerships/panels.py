"""The ground floor's panels: a whānau member's tamariki, a leader's school, a teacher's classes."""

import datetime
from collections import defaultdict

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from partnerships import notices
from partnerships.access import classes_visible_to, students_managed_by
from partnerships.models import Classroom, Notice, School, Student, User, WhanauLink
from partnerships.pages import HOME, WAITING, family_students, own_links

_PK = 9876543210  # stands for the key in a path reversed once


@HOME.register("tamariki", template="partnerships/panels/tamariki.html", order=20)
def tamariki(request, roles) -> dict | None:
    if not roles.is_whanau:
        return None
    return {"links": own_links(request)}


@HOME.register("school", template="partnerships/panels/school.html", order=30)
def school(request, roles) -> dict | None:
    if not roles.is_leader:
        return None
    school = School.objects.with_counts().get(pk=roles.led_school.pk)
    return {"school": school, "classes": _led_classes(request, roles)}


def _led_classes(request, roles) -> list[Classroom]:
    """The classes of the school a leader's pages are about, in order, each with its student
    count, ``path`` and ``teacher_list``: its teachers' (id, name), in the order added.
    Two queries, the first time a request asks: the school and my-classes panels both use
    them."""
    if not hasattr(request, "_mahi_tahi_led_classes"):
        classes = list(
            Classroom.objects.current().filter(school=roles.led_school).with_student_counts()
        )
        teachers = defaultdict(list)
        for classroom_id, user_id, name in (
            Classroom.teachers.through.objects.filter(classroom__school=roles.led_school)
            .order_by("pk")
            .values_list("classroom_id", "user_id", "user__name")
        ):
            teachers[classroom_id].append((user_id, name))
        # Every row links to its class: the path is worked out once, not once a row.
        path = reverse("class_detail", args=[_PK]).replace(str(_PK), "{pk}")
        for classroom in classes:
            classroom.teacher_list = teachers[classroom.pk]
            classroom.path = path.format(pk=classroom.pk)
        request._mahi_tahi_led_classes = classes
    return request._mahi_tahi_led_classes


@HOME.register("my_classes", template="partnerships/panels/my_classes.html", order=40)
def my_classes(request, roles) -> dict | None:
    if not roles.is_staff:
        return None
    if roles.is_teacher or len(roles.led_school_ids) > 1:
        classes = list(
            classes_visible_to(request.user).filter(teachers=request.user).with_student_counts()
        )
    else:
        # Leading one school and staff of no other, the classes they may see are that
        # school's, already read for the school panel: those they teach are among them.
        classes = [
            classroom
            for classroom in _led_classes(request, roles)
            if any(user_id == request.user.pk for user_id, _name in classroom.teacher_list)
        ]
    if not (roles.is_teacher or classes):  # most leaders don't teach a class
        return None
    assigned = (
        students_managed_by(request.user)
        .filter(assigned_teachers=request.user)
        .select_related("classroom")
    )
    return {"classes": classes, "assigned_students": assigned}


# What is new since the visit before: a visit ends after an hour away; a first one looks back.
VISIT_GAP = datetime.timedelta(hours=1)
FIRST_VISIT = datetime.timedelta(days=14)
# Within a visit, when they were last here is written down at most this often (in their
# session and on their account), so a reload writes nothing: a visit may end this much early.
VISIT_NOTED_EVERY = datetime.timedelta(minutes=5)
NEW_SHOWN = 20


@HOME.register("waiting", template="partnerships/panels/waiting.html", order=5)
def waiting(request, roles) -> dict | None:
    """Whānau and students: what needs them first, then what is new since their last visit,
    per child. Each app adds what it has waiting (``WAITING``)."""
    if not (roles.is_whanau or roles.is_student):
        return None
    items = [item for entry in WAITING for item in entry.function(request, roles) or ()]
    since = _last_visit(request)
    new = list(_family_notices(request.user).filter(created_at__gte=since)[:NEW_SHOWN])
    # Every child named, by a notice or by what waits, is one of their family: no query.
    ids = {item.student_id for item in items} | {notice.student_id for notice in new}
    students = family_students(request, roles)
    if missing := ids - students.keys():  # never, while the rules agree; but never a 500
        students |= Student.objects.in_bulk(missing)
    children = defaultdict(lambda: {"waiting": [], "new": []})
    for item in sorted(items, key=lambda item: item.at or since):
        children[item.student_id]["waiting"].append(item)
    for notice in new:
        notice.student = students[notice.student_id]
        to_student = notice.student.user_id == request.user.pk
        children[notice.student_id]["new"].append(
            {
                "notice": notice,
                "sentence": notices.sentence(notice, to_student=to_student),
                "url": notices.open_url(notice),
            }
        )
    return {
        "children": [
            {"student": students[student_id], **parts} for student_id, parts in children.items()
        ],
        "since": since,
    }


def _family_notices(user):
    """Notices to this person as whānau of a child they may still see, or as the student:
    not those of a link since marked "no access / no contact", nor a teacher's own."""
    linked = WhanauLink.objects.with_access().filter(
        whanau=OuterRef("whanau_id"), student=OuterRef("student_id")
    )
    return Notice.objects.filter(
        Q(whanau__user=user, whanau__isnull=False) & Q(Exists(linked))
        | Q(user=user, student__user=user)
    ).order_by("-created_at", "-pk")


def _last_visit(request) -> datetime.datetime:
    """When their visit before this one ended. Kept in the session while they come and go
    within the hour, so reloading the page does not empty it."""
    now = timezone.now()
    visit = request.session.get("home_visit")
    noted = visit and datetime.datetime.fromisoformat(visit[1])
    if visit and now - noted < VISIT_GAP:
        since = datetime.datetime.fromisoformat(visit[0])
        seen = request.user.home_seen_at
        if now - noted < VISIT_NOTED_EVERY and seen and now - seen < VISIT_NOTED_EVERY:
            return since
    else:
        since = request.user.home_seen_at or now - FIRST_VISIT
    request.session["home_visit"] = [since.isoformat(), now.isoformat()]
    User.objects.filter(pk=request.user.pk).update(home_seen_at=now)
    return since
