"""Query counts of the privacy pages: the notice, its public link, the leaders' settings."""

from django.urls import reverse

from partnerships.privacy.notice import notice_token
from tests import factories
from tests.query_counts.pages import SIGNED_IN, Page
from tests.query_counts.scene import MORE

NOTICE = (
    "the person's schools (staff, ākonga or whānau of a child they may see), with their policies",
    "the schools' leaders, who are their privacy officers, with their names",
)


def _more_schools(scene) -> list[str]:
    """Other schools where the world's whānau member has a child: each its own notice."""
    names = []
    for n in range(MORE):
        school = factories.SchoolFactory(name=f"Kura Tuarua {n}")
        factories.LeaderFactory(school=school, user__name=f"Tumuaki Tuarua {n}")
        student = factories.StudentFactory(school=school)
        whanau = factories.WhanauMemberFactory(school=school, user=scene.world.whanau)
        factories.WhanauLinkFactory(whanau=whanau, student=student)
        names += [school.name, f"Tumuaki Tuarua {n}"]
    return names


PAGES = [
    Page("privacy_notice", "anonymous", lambda s: reverse("privacy_notice"), ()),
    Page(
        "privacy_notice",
        "whanau",
        lambda s: reverse("privacy_notice"),
        (*SIGNED_IN, *NOTICE),
        more=_more_schools,
    ),
    Page("privacy_notice", "leader", lambda s: reverse("privacy_notice"), (*SIGNED_IN, *NOTICE)),
    Page(
        "privacy_notice_public",
        "anonymous",
        lambda s: reverse("privacy_notice_public", args=[notice_token(s.world.school.pk)]),
        ("the school, with its policy", "the school's leaders, with their names"),
    ),
    Page(
        "privacy_settings",
        "leader",
        lambda s: reverse("privacy_settings"),
        (
            *SIGNED_IN,
            "the school, with its policy",
            "the school's leaders (privacy officers, and the officer's choices)",
        ),
    ),
]
# URL names with no GET page, each with what its POST does.
POST_ONLY: dict[str, str] = {
    "privacy_notice_read": "records that the person has read their school's privacy notice",
}
