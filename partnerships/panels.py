"""The ground floor's panels: a whānau member's tamariki, a leader's school, a teacher's classes."""

from django.db.models import Count

from partnerships.access import classes_visible_to, own_whanau_links, students_managed_by
from partnerships.models import Classroom, School
from partnerships.pages import HOME


@HOME.register("tamariki", template="partnerships/panels/tamariki.html", order=20)
def tamariki(request, roles) -> dict | None:
    if not roles.is_whanau:
        return None
    links = (
        own_whanau_links(request.user)
        .select_related("student__classroom", "student__school")
        .order_by("student__first_name")
    )
    return {"links": links}


@HOME.register("school", template="partnerships/panels/school.html", order=30)
def school(request, roles) -> dict | None:
    if not roles.is_leader:
        return None
    school = School.objects.with_counts().get(pk=roles.led_school.pk)
    classes = (
        Classroom.objects.filter(school=school)
        .annotate(student_count=Count("students"))
        .prefetch_related("teachers")
    )
    return {"school": school, "classes": classes}


@HOME.register("my_classes", template="partnerships/panels/my_classes.html", order=40)
def my_classes(request, roles) -> dict | None:
    if not roles.is_staff:
        return None
    classes = list(
        classes_visible_to(request.user)
        .filter(teachers=request.user)
        .annotate(student_count=Count("students", distinct=True))
    )
    if not (roles.is_teacher or classes):  # most leaders don't teach a class
        return None
    assigned = (
        students_managed_by(request.user)
        .filter(assigned_teachers=request.user)
        .select_related("classroom")
    )
    return {"classes": classes, "assigned_students": assigned}
