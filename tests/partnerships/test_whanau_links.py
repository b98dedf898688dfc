"""A whānau link and the person's details: access off and on, details, and the audit of each."""

import pytest
from django.urls import reverse

from partnerships import services
from partnerships.models import AuditEvent, WhanauLink, WhanauMember
from tests import factories

pytestmark = pytest.mark.django_db


def _link_data(link, **overrides):
    """The link form as it arrives when saved without changes."""
    member = link.whanau
    data = {
        "link-relationship": link.relationship,
        "member-name": member.name,
        "member-phone": member.phone,
        "member-preferred_language": member.preferred_language,
        "member-preferred_contact": member.preferred_contact,
        "member-preferred_meeting_times": member.preferred_meeting_times,
        "member-interpreter_language": member.interpreter_language,
        "member-accessibility_needs": member.accessibility_needs,
    }
    if link.has_access:
        data["link-has_access"] = "on"
    if link.receives_weekly_update:
        data["link-receives_weekly_update"] = "on"
    return data | overrides


def _edit(client, world, link, data):
    client.force_login(world.teacher)
    return client.post(reverse("whanau_link_edit", args=[link.student_id, link.pk]), data)


def _link_changes(link):
    return list(
        AuditEvent.objects.filter(
            action=AuditEvent.Action.CHANGED,
            object_type="partnerships.whanaulink",
            object_id=link.pk,
        ).values_list("summary", flat=True)
    )


def test_turning_access_back_on_lets_them_see_the_child_again(client, world):
    """A link marked “no access” and then given access again shows the child to that person."""
    link = WhanauLink.objects.get(whanau__user=world.no_access_whanau)
    response = _edit(client, world, link, _link_data(link, **{"link-has_access": "on"}))
    assert response.url == reverse("student_whanau", args=[world.student.pk])
    client.force_login(world.no_access_whanau)
    assert client.get(reverse("student_detail", args=[world.student.pk])).status_code == 200
    member = link.whanau
    assert _link_changes(link) == [f"{member.name}: Has access"]


def test_changing_only_the_persons_details_names_them(client, world):
    """A new phone number is saved on the person and the audit names the person and field."""
    _edit(client, world, world.link, _link_data(world.link, **{"member-phone": "027 555 0199"}))
    member = WhanauMember.objects.get(pk=world.link.whanau_id)
    assert member.phone == "027 555 0199"
    assert _link_changes(world.link) == [f"{member.name}: Phone"]


def test_changing_the_link_and_the_person_together_is_one_audit_row(client, world):
    """A new relationship and a new name are saved together, in one audit row naming both."""
    _edit(
        client,
        world,
        world.link,
        _link_data(
            world.link,
            **{"link-relationship": "caregiver", "member-name": "Aroha Te Whata"},
        ),
    )
    world.link.refresh_from_db()
    assert world.link.relationship == "caregiver"
    assert _link_changes(world.link) == ["Aroha Te Whata: Relationship, Name"]


def test_saving_unchanged_details_is_not_audited(client, world):
    """Saving the form as it is writes nothing to the audit trail."""
    response = _edit(client, world, world.link, _link_data(world.link))
    assert response.status_code == 302
    assert _link_changes(world.link) == []


def test_stopping_the_weekly_email_from_school_keeps_access(world):
    """Staff can stop the weekly email for someone who still sees everything else."""
    services.whanau_link_update(
        link=world.link,
        by=world.teacher,
        link_data={"receives_weekly_update": False},
        member_data={},
    )
    world.link.refresh_from_db()
    assert not world.link.receives_weekly_update
    assert world.link.has_access
    assert _link_changes(world.link) == [f"{world.link.whanau.name}: Receives the weekly update"]


def test_the_edit_page_shows_the_link_and_the_person(client, world):
    """The page is filled in with the link's access and the person's details."""
    member = world.link.whanau
    member.preferred_meeting_times = "Over dinner"
    member.save()
    client.force_login(world.teacher)
    response = client.get(reverse("whanau_link_edit", args=[world.student.pk, world.link.pk]))
    assert response.context["link_form"]["has_access"].value() is True
    assert "Over dinner" in response.content.decode()


def test_another_classes_teacher_cannot_change_a_link(client, world):
    """A teacher who doesn't teach the child gets a 404; access stays as it was."""
    client.force_login(world.other_teacher)
    data = _link_data(world.link)
    del data["link-has_access"]
    url = reverse("whanau_link_edit", args=[world.student.pk, world.link.pk])
    assert client.post(url, data).status_code == 404
    world.link.refresh_from_db()
    assert world.link.has_access


def test_someone_with_no_access_has_no_preferences_page(client, world):
    """A person whose only link is “no access” gets a 404 for the preferences page."""
    client.force_login(world.no_access_whanau)
    assert client.get(reverse("whanau_preferences")).status_code == 404


def test_preferences_apply_at_every_school_that_knows_them(world):
    """A parent known at two schools sets their needs once, for both."""
    factories.WhanauLinkFactory(
        student=world.other_school_student,
        whanau=factories.WhanauMemberFactory(school=world.other_school, user=world.whanau),
    )
    count = services.whanau_preferences_update(
        user=world.whanau, preferences={"needs_childcare": True, "phone": "021 000 111"}
    )
    assert count == 2
    members = WhanauMember.objects.filter(user=world.whanau)
    assert [m.needs_childcare for m in members] == [True, True]
    world.whanau.refresh_from_db()
    assert world.whanau.preferred_language == "en"  # not given, so not changed


def test_leaders_search_the_schools_whanau_by_email(client, world):
    """The school's whānau list finds a person by part of their email, and only them."""
    member = world.link.whanau
    client.force_login(world.leader)
    response = client.get(reverse("school_whanau"), {"q": member.email.split("@")[0].upper()})
    assert [m.pk for m in response.context["page"]] == [member.pk]


def test_the_schools_whanau_list_is_for_leaders(client, world):
    """A teacher gets a 404 for the school's whānau list."""
    client.force_login(world.teacher)
    assert client.get(reverse("school_whanau")).status_code == 404
