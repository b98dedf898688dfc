"""The leaders' retention page: the periods, what goes tonight and in the coming days (with
names, for the leader's eyes), and the last runs with counts only."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.models import PrivacyPolicy
from partnerships.privacy import retention
from tests import factories

pytestmark = pytest.mark.django_db

# 2pm on Friday 4 December 2026 in Auckland.
NOW = datetime.datetime(2026, 12, 4, 1, 0, tzinfo=datetime.UTC)


@pytest.fixture
def today(time_machine):
    time_machine.move_to(NOW, tick=False)
    return timezone.localdate()


def _page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("privacy_retention"))
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def _policy(world, **periods):
    policy = PrivacyPolicy.objects.create(school=world.school, **periods)
    PrivacyPolicy.objects.filter(pk=policy.pk).update(
        periods_changed_at=timezone.now() - datetime.timedelta(days=60)
    )
    return policy


def test_the_page_says_the_periods_and_links_to_change_them(client, world, today):
    _policy(world, records_years=5, evidence_years=3, audit_years=10)
    page = _page(client, world.leader)
    assert "kept 5 years after the day they left" in page
    assert "kept 3 years after they were added" in page
    assert "are kept 10 years" in page
    assert reverse("privacy_settings") in page
    assert "Nothing is due to be removed tonight." in page
    assert "Nothing has been removed yet." in page


def test_leavers_show_tonight_and_in_the_coming_days_with_names(client, world, today):
    _policy(world, records_years=2)
    gone = factories.StudentFactory(
        school=world.school,
        first_name="Aroha",
        last_name="Tonight",
        classroom=None,
        left_on=datetime.date(2024, 11, 1),
    )
    soon = factories.StudentFactory(
        school=world.school,
        first_name="Mere",
        last_name="Soon",
        classroom=None,
        left_on=datetime.date(2024, 12, 20),
    )
    factories.StudentFactory(
        school=world.other_school,
        first_name="Other",
        last_name="Schoolleaver",
        classroom=None,
        left_on=datetime.date(2010, 1, 1),
    )
    page = _page(client, world.leader)
    tonight, coming = page.split("Coming up in the next 30 days")
    assert gone.full_name in tonight
    assert soon.full_name not in tonight
    assert soon.full_name in coming
    assert "20 Dec 2026" in coming
    assert "Schoolleaver" not in page
    # The other school's leader sees only their own school's (none kept: its 14 days).
    other = _page(client, world.other_school_leader)
    assert gone.full_name not in other
    assert soon.full_name not in other


def test_a_new_policy_shows_what_goes_once_its_fourteen_days_are_up(client, world, today):
    """No policy yet: everything past the default 7 years shows on the first removal day."""
    factories.StudentFactory(
        school=world.school,
        first_name="Hana",
        last_name="Longgone",
        classroom=None,
        left_on=datetime.date(2015, 6, 1),
    )
    page = _page(client, world.leader)
    assert "The first removals can happen on 18 December 2026." in page
    _tonight, coming = page.split("Coming up in the next 30 days")
    assert "Hana Longgone" in coming
    assert "18 Dec 2026" in coming


def test_names_stop_after_twenty_with_how_many_more(client, world, today):
    _policy(world, records_years=1)
    for n in range(retention.NAMES_SHOWN + 5):
        factories.StudentFactory(
            school=world.school,
            first_name=f"Leaver{n:02d}",
            last_name="Gone",
            classroom=None,
            left_on=datetime.date(2024, 1, 1),
        )
    page = _page(client, world.leader)
    assert "Leaver19 Gone" in page
    assert "Leaver20 Gone" not in page
    assert "and 5 more" in page


def test_the_last_runs_show_counts_and_no_names(
    client, world, today, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    _policy(world, records_years=1)
    factories.StudentFactory(
        school=world.school,
        first_name="Wiremu",
        last_name="Removed",
        classroom=None,
        left_on=datetime.date(2024, 1, 1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        removed = retention.retention_apply(world.school, today=today)
    assert removed == {"student records": 1}
    page = _page(client, world.leader)
    assert "Retention: removed student records (1)" in page
    assert "Wiremu" not in page
