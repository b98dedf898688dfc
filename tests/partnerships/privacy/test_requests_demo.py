"""In the demo, the second demo parent has asked for their information and their child's:
the tumuaki (a privacy officer, none being chosen) finds it open, with its due date."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats

from partnerships import demo
from partnerships.models import PrivacyRequest, School, User
from partnerships.privacy.due import due_on

pytestmark = pytest.mark.django_db


def test_the_demo_leader_sees_the_second_parents_open_request(client):
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    school = School.objects.get(name=demo.DEMO_SCHOOL)
    asked = PrivacyRequest.objects.get(school=school)
    parent = User.objects.get(email=demo.SEPARATED_EMAIL)
    assert (asked.kind, asked.status, asked.requester) == ("access", "open", parent)
    assert asked.student.whanau_links.filter(whanau__user=parent, has_access=True).exists()
    received = asked.received_at.astimezone(school.zone).date()
    assert asked.due_on == due_on(received)

    client.force_login(User.objects.get(email=demo.LEADER_EMAIL))
    page = client.get(reverse("privacy_requests_school")).content.decode()
    assert reverse("privacy_request_detail", args=[asked.pk]) in page
    assert formats.date_format(asked.due_on, "j M Y") in page
    assert parent.name in page
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    assert PrivacyRequest.objects.filter(school=school).count() == 1  # made once
