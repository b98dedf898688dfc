"""Managing a student's whānau: access, preferences, and what each whānau member sees."""

import pytest
from django.urls import reverse

from partnerships.models import AuditEvent, WhanauMember

pytestmark = pytest.mark.django_db


def _link_data(link, **overrides):
    member = link.whanau
    return {
        "link-relationship": link.relationship,
        "link-has_access": "on",
        "link-receives_weekly_update": "on",
        "member-name": member.name,
        "member-phone": "",
        "member-preferred_language": "en",
        "member-preferred_contact": "email",
        "member-preferred_meeting_times": "",
        "member-interpreter_language": "",
        "member-accessibility_needs": "",
    } | overrides


def test_turning_access_off_hides_the_child(client, world):
    """Once a link is marked no access, that person sees nothing of the child."""
    client.force_login(world.teacher)
    data = _link_data(world.link)
    del data["link-has_access"]
    response = client.post(
        reverse("whanau_link_edit", args=[world.student.pk, world.link.pk]), data
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.CHANGED)
    assert "Has access" in event.summary
    client.force_login(world.whanau)
    assert client.get(reverse("student_detail", args=[world.student.pk])).status_code == 404
    home = client.get(reverse("home")).content.decode()
    assert world.student.last_name not in home


def test_staff_record_needs_and_meeting_times(client, world):
    """Interpreter, childcare and times that suit are saved on the person."""
    client.force_login(world.teacher)
    data = _link_data(
        world.link,
        **{
            "member-needs_interpreter": "on",
            "member-interpreter_language": "Samoan",
            "member-needs_childcare": "on",
            "member-preferred_meeting_times": "After 6pm",
        },
    )
    client.post(reverse("whanau_link_edit", args=[world.student.pk, world.link.pk]), data)
    member = WhanauMember.objects.get(pk=world.link.whanau_id)
    assert member.needs_interpreter
    assert member.interpreter_language == "Samoan"
    assert member.needs_childcare
    assert member.preferred_meeting_times == "After 6pm"


def test_invalid_link_form_saves_nothing(client, world):
    """A bad value in either half of the form saves neither half."""
    client.force_login(world.teacher)
    data = _link_data(world.link, **{"member-name": "", "link-relationship": "grandparent"})
    response = client.post(
        reverse("whanau_link_edit", args=[world.student.pk, world.link.pk]), data
    )
    assert response.status_code == 200
    world.link.refresh_from_db()
    assert world.link.relationship != "grandparent"


def test_whanau_set_their_own_preferences(client, world):
    """A whānau member can say what times suit and what they need."""
    client.force_login(world.whanau)
    response = client.post(
        reverse("whanau_preferences"),
        {
            "phone": "021 555 0101",
            "preferred_language": "mi",
            "preferred_contact": "phone",
            "preferred_meeting_times": "Over dinner",
            "needs_childcare": "on",
            "interpreter_language": "",
            "accessibility_needs": "",
        },
    )
    assert response.status_code == 302
    member = world.link.whanau
    member.refresh_from_db()
    assert member.preferred_contact == "phone"
    assert member.preferred_meeting_times == "Over dinner"
    world.whanau.refresh_from_db()
    assert world.whanau.preferred_language == "mi"


def test_text_message_is_not_offered(client, world):
    """Nothing sends text messages, so a whānau member cannot choose them."""
    client.force_login(world.whanau)
    page = client.get(reverse("whanau_preferences")).content.decode()
    assert "Text message" not in page
    response = client.post(
        reverse("whanau_preferences"),
        {"preferred_language": "en", "preferred_contact": "text"},
    )
    assert response.status_code == 200
    world.link.whanau.refresh_from_db()
    assert world.link.whanau.preferred_contact == "email"


def test_whanau_home_lists_only_their_tamariki(client, world):
    """My tamariki shows their own child and no one else's."""
    client.force_login(world.whanau)
    content = client.get(reverse("home")).content.decode()
    assert "My tamariki" in content
    assert world.student.last_name in content
    assert world.other_student.last_name not in content


def test_whanau_of_several_children_sees_each(client, world):
    """One person linked to two children in different classes sees both."""
    from tests import factories

    factories.WhanauLinkFactory(student=world.other_student, whanau=world.link.whanau)
    client.force_login(world.whanau)
    content = client.get(reverse("home")).content.decode()
    assert world.student.last_name in content
    assert world.other_student.last_name in content


def test_leader_home_shows_the_school(client, world):
    """A leader's home shows the school's numbers and its classes."""
    client.force_login(world.leader)
    response = client.get(reverse("home"))
    school = next(panel["school"] for _, panel in response.context["panels"] if "school" in panel)
    assert school.student_count == 3
    assert school.unconnected_count == 1  # the classmate has no whānau linked yet
    assert school.staff_count == 3
    assert world.classroom.name in response.content.decode()
