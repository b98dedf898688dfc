"""A school's details, set by its leaders: the service and the page."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from partnerships.models import AuditEvent, School
from partnerships.setup import services

pytestmark = pytest.mark.django_db


def _form(school: School, **changes) -> dict:
    data = {
        "name": school.name,
        "timezone": school.timezone,
        "weekly_update_weekday": str(school.weekly_update_weekday),
        "weekly_update_time": school.weekly_update_time.strftime("%H:%M"),
        "languages": school.languages,
        "transition_days": str(school.transition_days),
        "update_reminder_hours": str(school.update_reminder_hours),
    }
    if school.updates_need_approval:
        data["updates_need_approval"] = "on"
    return data | changes


def _audits(school) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(school=school, object_type="partnerships.school"))


def test_update_names_what_changed_and_audits_it(world):
    """Changing the send day and time zone saves both and says so, once, in the audit trail."""
    changed = services.school_update(
        school=world.school,
        by=world.leader,
        data={
            "weekly_update_weekday": School.Weekday.THURSDAY,
            "timezone": "Pacific/Chatham",
            "name": world.school.name,
        },
    )
    assert sorted(changed) == ["timezone", "weekly_update_weekday"]
    school = School.objects.get(pk=world.school.pk)
    assert (school.timezone, school.weekly_update_weekday) == ("Pacific/Chatham", 3)
    (event,) = _audits(world.school)
    assert event.actor == world.leader
    assert "Pacific/Auckland → Pacific/Chatham" in event.summary
    assert "Friday → Thursday" in event.summary


def test_update_with_nothing_changed_writes_nothing(world):
    """Saving the settings as they are records nothing in the audit trail."""
    data = {"name": world.school.name, "languages": list(world.school.languages)}
    assert services.school_update(school=world.school, by=world.leader, data=data) == []
    assert _audits(world.school) == []


def test_only_the_schools_leader_may_update(world):
    """A teacher, or another school's leader, cannot change the school."""
    for person in (world.teacher, world.other_school_leader, world.whanau):
        with pytest.raises(PermissionDenied):
            services.school_update(school=world.school, by=person, data={"transition_days": 7})
    assert School.objects.get(pk=world.school.pk).transition_days == 21


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"languages": []}, "languages"),
        ({"languages": ["fr"]}, "languages"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"name": "   "}, "name"),
    ],
)
def test_update_refuses_bad_values(world, data, field):
    """No languages, an unknown time zone or a blank name is refused, and nothing is saved."""
    with pytest.raises(ValidationError) as refused:
        services.school_update(school=world.school, by=world.leader, data=data)
    assert field in refused.value.message_dict
    assert _audits(world.school) == []


def test_languages_are_kept_in_the_sites_order(world):
    """Ticking te reo Māori then English stores them as the site lists them."""
    services.school_update(school=world.school, by=world.leader, data={"languages": ["mi"]})
    services.school_update(school=world.school, by=world.leader, data={"languages": ["mi", "en"]})
    assert School.objects.get(pk=world.school.pk).languages == ["en", "mi"]


def test_leader_saves_the_settings_page(client, world):
    """The leader changes the send time and languages on the page and is told it is saved."""
    client.force_login(world.leader)
    url = reverse("school_settings")
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert reverse("school_terms") in content
    assert reverse("school_staff") in content
    # Aotearoa's zone comes first in the list.
    assert content.index('value="Pacific/Auckland"') < content.index('value="Africa/Abidjan"')
    response = client.post(
        url, _form(world.school, weekly_update_time="14:30", languages=["mi"]), follow=True
    )
    assert "settings are saved" in response.content.decode()
    school = School.objects.get(pk=world.school.pk)
    assert school.weekly_update_time == datetime.time(14, 30)
    assert school.languages == ["mi"]


def test_settings_page_with_no_language_says_what_to_fix(client, world):
    """Unticking every language shows the form again with a clear message, and saves nothing."""
    client.force_login(world.leader)
    data = _form(world.school)
    del data["languages"]
    response = client.post(reverse("school_settings"), data)
    assert response.status_code == 200
    assert "at least one language" in response.content.decode()
    assert School.objects.get(pk=world.school.pk).languages == ["en", "mi"]


def test_settings_posted_twice_save_once(client, world):
    """A double click on "Save" records one change: the second finds nothing to change."""
    client.force_login(world.leader)
    data = _form(world.school, transition_days="28")
    client.post(reverse("school_settings"), data)
    second = client.post(reverse("school_settings"), data, follow=True)
    assert "Nothing had changed" in second.content.decode()
    assert len(_audits(world.school)) == 1


def test_a_leader_sees_the_school_link_and_a_teacher_does_not(client, world):
    """The navigation offers "School" to leaders only; for a teacher the page does not exist."""
    client.force_login(world.leader)
    assert reverse("school_settings") in client.get(reverse("home")).content.decode()
    client.force_login(world.teacher)
    assert reverse("school_settings") not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("school_settings")).status_code == 404
