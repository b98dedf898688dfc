"""The classes pages' queries: a class's sign-in cards and their PDF, and the CSV exports.

The PDF and the CSV files are files, not pages: what ``more`` adds to them is not looked for
here (the count is what is pinned); tests/partnerships/classes reads them back at two sizes.
"""

from django.urls import reverse

from partnerships import pdf
from partnerships.classes.services import class_cards_issue
from partnerships.models import SignInCard
from tests import factories
from tests.query_counts.pages import AUDIT_LISTED, SIGNED_IN, Page
from tests.query_counts.scene import MORE

THE_CLASS = "the class, with school, if visible to me"
ITS_STUDENTS = "its current students I manage, each with their working card (joined)"
# The exports read the widest family first (the caregiver columns), then stream the rows.
CSV = (
    "export: the most whānau with access any one student has",
    "export: the students with their whānau with access, in class order",
)


def _class_url(name):
    return lambda s: reverse(name, args=[s.world.classroom.pk])


def _with_cards(scene) -> None:
    class_cards_issue(classroom=scene.world.classroom, by=scene.world.teacher)


def more_with_cards(scene) -> list[str]:
    """Students in the class, each with a card, and one more without."""
    students = [
        factories.StudentFactory(school=scene.world.school, classroom=scene.world.classroom)
        for _ in range(MORE + 1)
    ]
    for student in students[:MORE]:
        SignInCard.objects.create(student=student)
    return [student.full_name for student in students]


def more_printed(scene) -> list[str]:
    """Students in the class with cards (read back from the PDF in its own tests)."""
    more_with_cards(scene)
    return []


def more_in_list(scene) -> list[str]:
    """Students, each with two whānau with access and one without, in the class and in
    classes of their own (read back from the CSV in its own tests)."""
    classrooms = [
        scene.world.classroom,
        *factories.ClassroomFactory.create_batch(MORE, school=scene.world.school),
    ]
    for classroom in classrooms:
        for _ in range(MORE):
            student = factories.StudentFactory(school=scene.world.school, classroom=classroom)
            factories.WhanauLinkFactory(student=student)
            factories.WhanauLinkFactory(student=student)
            factories.WhanauLinkFactory(student=student, has_access=False)
    return []


PAGES = [
    Page(
        "class_cards",
        "teacher",
        _class_url("class_cards"),
        (*SIGNED_IN, THE_CLASS, ITS_STUDENTS, *AUDIT_LISTED),
        given=_with_cards,
        more=more_with_cards,
    ),
    Page(
        "class_cards",
        "leader",
        _class_url("class_cards"),
        (*SIGNED_IN, THE_CLASS, ITS_STUDENTS, *AUDIT_LISTED),
        more=more_with_cards,
    ),
    Page(
        "class_cards_pdf",
        "teacher",
        _class_url("class_cards_pdf"),
        (
            (
                *SIGNED_IN,
                THE_CLASS,
                ITS_STUDENTS,
                "audit: INSERT a 'viewed' event for each student whose card is printed",
            )
            if pdf.pdf_available()
            # Where Pango is missing: back to the cards page, to print each card on its own.
            else (*SIGNED_IN, THE_CLASS, ITS_STUDENTS)
        ),
        given=_with_cards,
        more=more_printed,
        status=200 if pdf.pdf_available() else 302,
    ),
    Page(
        "class_export",
        "teacher",
        _class_url("class_export"),
        (*SIGNED_IN, THE_CLASS, *AUDIT_LISTED, *CSV),
        more=more_in_list,
    ),
    Page(
        "school_export",
        "leader",
        lambda s: reverse("school_export"),
        (*SIGNED_IN, *AUDIT_LISTED, *CSV),
        more=more_in_list,
    ),
]

# URL names with no GET page, each with what its POST does.
POST_ONLY: dict[str, str] = {}
