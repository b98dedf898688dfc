"""The leaders' privacy settings: the notice's words, the privacy officer and how long the
school keeps what it holds; audited without personal content, and bad input refused."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from partnerships.models import AuditEvent, PrivacyPolicy, School, Staff
from partnerships.privacy.notice import notice_text
from partnerships.privacy.policy import privacy_policy_update
from tests import factories

pytestmark = pytest.mark.django_db

BODY = {
    "notice": "",
    "officer": "",
    "records_years": "7",
    "evidence_years": "7",
    "audit_years": "7",
}


def _audits(world) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            school=world.school, object_type="partnerships.school", action="changed"
        ).values_list("summary", flat=True)
    )


def _policy(world) -> PrivacyPolicy:
    return PrivacyPolicy.objects.get(school=world.school)


def test_the_page_shows_the_notice_as_it_reads_and_the_way_to_the_privacy_work(client, world):
    client.force_login(world.leader)
    page = client.get(reverse("privacy_settings")).content.decode()
    assert "names and contact details" in page  # the template, filled in, in the box
    assert "Nothing is removed until 14 days after a change" in page
    for name in ("privacy_requests_school", "privacy_retention", "privacy_school_export"):
        assert f'href="{reverse(name)}"' in page
    assert reverse("privacy_notice_public", args=["x"]).split("x")[0] in page


def test_the_school_settings_page_links_here(client, world):
    client.force_login(world.leader)
    page = client.get(reverse("school_settings")).content.decode()
    assert f'href="{reverse("privacy_settings")}"' in page


def test_only_leaders_find_the_page(client, world):
    for user in (world.teacher, world.whanau, world.student_user):
        client.force_login(user)
        assert client.get(reverse("privacy_settings")).status_code == 404


def test_a_shorter_period_is_saved_audited_and_restarts_the_wait(client, world, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC), tick=False)
    client.force_login(world.leader)
    response = client.post(reverse("privacy_settings"), {**BODY, "records_years": "5"})
    assert response.status_code == 302
    policy = _policy(world)
    assert (policy.records_years, policy.evidence_years, policy.audit_years) == (5, 7, 7)
    assert policy.periods_changed_at == timezone.now()
    assert policy.notice == ""  # the template, unchanged, is still the template
    assert _audits(world) == ["Privacy settings changed: records kept: 7 → 5 years"]
    assert "The privacy settings are saved." in client.get(response.url).content.decode()


def test_the_schools_own_words_are_kept_and_not_written_in_the_audit(client, world):
    client.force_login(world.leader)
    words = "Kia ora whānau. Ko Aroha Ngata tō mātou āpiha tūmataiti."
    client.post(reverse("privacy_settings"), {**BODY, "notice": words})
    policy = _policy(world)
    assert policy.notice == words
    assert policy.notice_updated_at is not None
    # The periods did not change: the wait before retention is not restarted by the words.
    assert _audits(world) == ["Privacy settings changed: notice changed"]
    assert "Aroha" not in _audits(world)[0]
    page = client.get(reverse("privacy_settings")).content.decode()
    assert "Restore the default notice" in page


def test_restoring_the_default_notice(client, world):
    PrivacyPolicy.objects.create(school=world.school, notice="Our own words.")
    client.force_login(world.leader)
    client.post(
        reverse("privacy_settings"), {**BODY, "notice": "Our own words.", "use_default": "on"}
    )
    assert _policy(world).notice == ""
    assert _audits(world) == ["Privacy settings changed: notice set back to the default"]


def test_nothing_changed_saves_nothing(client, world):
    client.force_login(world.leader)
    shown = notice_text(world.school)
    response = client.post(reverse("privacy_settings"), {**BODY, "notice": shown}, follow=True)
    assert "Nothing had changed" in response.content.decode()
    assert _audits(world) == []


def test_the_template_follows_the_periods_when_the_school_has_no_words_of_its_own(client, world):
    client.force_login(world.leader)
    shown = notice_text(world.school)
    client.post(reverse("privacy_settings"), {**BODY, "notice": shown, "evidence_years": "2"})
    assert _policy(world).notice == ""
    school = School.objects.get(pk=world.school.pk)
    assert "for 2 years after they are added" in notice_text(school)


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("records_years", "0", "at least 1 year"),
        ("evidence_years", "51", "at most 50 years"),
        ("audit_years", "seven", "whole number of years"),
        ("records_years", "", "number of years from 1 to 50"),
        ("officer", "999999", "Select a valid choice"),
    ],
)
def test_bad_input_says_what_to_fix_and_changes_nothing(client, world, field, value, said):
    client.force_login(world.leader)
    response = client.post(reverse("privacy_settings"), {**BODY, field: value})
    assert response.status_code == 200
    assert said in response.content.decode()
    assert not PrivacyPolicy.objects.filter(school=world.school).exists()
    assert _audits(world) == []


def test_the_privacy_officer_is_one_of_the_schools_leaders(client, world):
    other = factories.LeaderFactory(school=world.school, user__name="Hēmi Tumuaki")
    client.force_login(world.leader)
    page = client.get(reverse("privacy_settings")).content.decode()
    teacher = Staff.objects.get(school=world.school, user=world.teacher)
    assert "Hēmi Tumuaki" in page
    assert f'value="{teacher.pk}"' not in page  # a teacher is no choice
    client.post(reverse("privacy_settings"), {**BODY, "officer": str(other.pk)})
    assert _policy(world).officer == other
    assert _audits(world) == ["Privacy settings changed: privacy officer changed"]
    school = School.objects.get(pk=world.school.pk)
    assert "Hēmi Tumuaki" in notice_text(school)
    assert world.leader.name not in notice_text(school)


def test_the_service_refuses_anyone_but_the_schools_leaders(world):
    for user in (world.teacher, world.whanau, world.other_school_leader):
        with pytest.raises(PermissionDenied):
            privacy_policy_update(actor=user, school_id=world.school.pk, data={"records_years": 3})
    assert not PrivacyPolicy.objects.filter(school=world.school).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"records_years": 0},
        {"audit_years": 51},
        {"evidence_years": "7"},
        {"officer": -1},
        {"notice": "x" * 20001},
    ],
)
def test_the_service_checks_its_data_as_the_form_does(world, data):
    with pytest.raises(ValidationError):
        privacy_policy_update(actor=world.leader, school_id=world.school.pk, data=data)
    assert not PrivacyPolicy.objects.filter(school=world.school).exists()


def test_another_schools_leader_is_no_officer_here(world):
    other = Staff.objects.get(user=world.other_school_leader)
    with pytest.raises(ValidationError):
        privacy_policy_update(
            actor=world.leader, school_id=world.school.pk, data={"officer": other.pk}
        )


def test_the_leader_changes_their_own_school_only(client, world):
    client.force_login(world.other_school_leader)
    client.post(reverse("privacy_settings"), {**BODY, "records_years": "4"})
    assert PrivacyPolicy.objects.get(school=world.other_school).records_years == 4
    assert not PrivacyPolicy.objects.filter(school=world.school).exists()


def test_a_policy_kept_the_same_keeps_its_wait(world):
    policy = PrivacyPolicy.objects.create(school=world.school)
    before = policy.periods_changed_at
    privacy_policy_update(actor=world.leader, school_id=world.school.pk, data={"notice": "Ours."})
    assert _policy(world).periods_changed_at == before
