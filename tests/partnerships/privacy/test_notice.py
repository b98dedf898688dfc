"""The privacy notice: what it tells whānau, where it is found (every page's footer, every
email, a link that needs no sign-in) and a whānau member's first sign-in, which shows it first."""

import datetime
import re

import pytest
import time_machine
from django.core import signing
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.http import urlencode

from partnerships.models import AuditEvent, PrivacyPolicy, User
from partnerships.privacy.first_notice import FirstNoticeMiddleware
from partnerships.privacy.notice import NOTICE_SALT, notice_path, notice_token
from tests import factories

pytestmark = pytest.mark.django_db


def _unread(user) -> User:
    User.objects.filter(pk=user.pk).update(privacy_notice_seen_at=None)
    user.refresh_from_db()
    return user


# What the notice says ------------------------------------------------------------------


def test_the_default_notice_is_filled_in_with_the_school_and_its_policy(client, world):
    PrivacyPolicy.objects.create(school=world.school, records_years=5, evidence_years=3)
    client.force_login(world.whanau)
    page = client.get(reverse("privacy_notice")).content.decode()
    assert "Kōwhai School" in page
    for said in (
        "names and contact details",
        "learning goals",
        "photos and files of learning",
        "work together on your child’s learning",
        "for 5 years after they leave",
        "for 3 years after they are added",
        "for 7 years",
        world.leader.name,  # every leader is the privacy officer
        "Privacy Commissioner",
        "20 working days",
    ):
        assert said in page, said
    assert "Other School" not in page


def test_the_chosen_privacy_officer_is_named_and_no_other_leader(client, world):
    other = factories.LeaderFactory(school=world.school, user__name="Hēmi Tumuaki")
    PrivacyPolicy.objects.create(school=world.school, officer=other)
    client.force_login(world.whanau)
    page = client.get(reverse("privacy_notice")).content.decode()
    assert "Hēmi Tumuaki" in page
    assert world.leader.name not in page


def test_a_schools_own_words_are_shown_as_plain_text(client, world):
    PrivacyPolicy.objects.create(
        school=world.school, notice="Kia ora whānau.\n\n<script>alert(1)</script> & more"
    )
    client.force_login(world.whanau)
    page = client.get(reverse("privacy_notice")).content.decode()
    assert "<p>Kia ora whānau.</p>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    assert "<script>alert(1)" not in page
    assert "names and contact details" not in page  # not the template


def test_the_notice_page_links_to_asking_for_information_and_corrections(client, world):
    client.force_login(world.whanau)
    page = client.get(reverse("privacy_notice")).content.decode()
    assert f'href="{reverse("privacy_request_new")}?kind=access"' in page
    assert f'href="{reverse("privacy_request_new")}?kind=correction"' in page
    assert f'href="{reverse("privacy_requests")}"' in page


def test_signed_out_the_page_says_the_notice_comes_after_sign_in(client, world):
    page = client.get(reverse("privacy_notice")).content.decode()
    assert "once you sign in" in page
    assert "Kōwhai School" not in page


def test_staff_and_akonga_see_their_schools_notice_too(client, world):
    for user in (world.teacher, world.student_user, world.other_school_leader):
        client.force_login(user)
        page = client.get(reverse("privacy_notice")).content.decode()
        school = "Other School" if user == world.other_school_leader else "Kōwhai School"
        assert f"{school}’s privacy notice" in page


def test_a_whanau_member_with_no_access_sees_no_schools_notice(client, world):
    """Linked only "no access / no contact": the school is not theirs to read about here."""
    client.force_login(world.no_access_whanau)
    page = client.get(reverse("privacy_notice")).content.decode()
    assert "Kōwhai School’s privacy notice" not in page


# The link in emails ---------------------------------------------------------------------


def test_the_public_link_shows_the_schools_notice_to_anyone(client, world):
    response = client.get(notice_path(world.school.pk))
    assert response.status_code == 200
    assert "Kōwhai School’s privacy notice" in response.content.decode()


@pytest.mark.parametrize(
    "token",
    [
        "x",
        lambda w: notice_token(w.school.pk) + "x",
        lambda w: notice_token(w.school.pk).replace(str(w.school.pk), str(w.other_school.pk), 1),
        lambda w: signing.Signer(salt="another.salt").sign(str(w.school.pk)),
        lambda w: signing.Signer(salt=NOTICE_SALT).sign("not-a-number"),
        lambda w: notice_token(10**9),
    ],
)
def test_a_forged_or_altered_link_is_no_page(client, world, token):
    token = token(world) if callable(token) else token
    response = client.get(reverse("privacy_notice_public", args=[token]))
    assert response.status_code == 404


def test_the_link_is_the_same_every_time_so_bulk_emails_share_it(world):
    assert notice_token(world.school.pk) == notice_token(world.school.pk)
    assert notice_token(world.school.pk) != notice_token(world.other_school.pk)


def test_every_page_footer_links_to_the_notice(client, world):
    for user in (None, world.whanau, world.leader):
        if user:
            client.force_login(user)
        page = client.get(reverse("home")).content.decode()
        footer = page[page.index("<footer") :]
        assert f'href="{reverse("privacy_notice")}"' in footer


# The first sign-in -------------------------------------------------------------------------


def test_a_whanau_members_first_page_is_the_notice_then_where_they_were_going(client, world):
    whanau = _unread(world.whanau)
    client.force_login(whanau)
    goal = reverse("goal_detail", args=[world.goal.pk])
    response = client.get(goal)
    assert response.status_code == 302
    assert response.url == f"{reverse('privacy_notice')}?next={goal.replace('/', '%2F')}"

    page = client.get(response.url).content.decode()
    assert "I have read this" in page
    assert f'name="next" value="{goal}"' in page

    response = client.post(reverse("privacy_notice_read"), {"next": goal})
    assert response.status_code == 302
    assert response.url == goal
    whanau.refresh_from_db()
    assert whanau.privacy_notice_seen_at is not None
    assert client.get(goal).status_code == 200
    assert "I have read this" not in client.get(reverse("privacy_notice")).content.decode()


@pytest.mark.parametrize("after", ["https://example.org/", "//example.org/", "javascript:x", ""])
def test_after_reading_an_address_elsewhere_goes_home(client, world, after):
    client.force_login(_unread(world.whanau))
    response = client.post(reverse("privacy_notice_read"), {"next": after})
    assert response.status_code == 302
    assert response.url == "/"


def test_reading_it_twice_keeps_the_first_time(client, world):
    whanau = _unread(world.whanau)
    client.force_login(whanau)
    client.post(reverse("privacy_notice_read"))
    first = User.objects.get(pk=whanau.pk).privacy_notice_seen_at
    client.post(reverse("privacy_notice_read"))
    assert User.objects.get(pk=whanau.pk).privacy_notice_seen_at == first


def test_only_whanau_are_sent_to_the_notice_first(client, world):
    for user in (world.leader, world.teacher, world.student_user, world.no_access_whanau):
        client.force_login(_unread(user))
        assert client.get(reverse("home")).status_code == 200, user


@pytest.mark.parametrize(
    "path",
    [
        lambda w: reverse("privacy_notice"),
        lambda w: notice_path(w.school.pk),
        lambda w: reverse("privacy_requests"),
        lambda w: reverse("account_email"),
        lambda w: "/no/such/page/",
    ],
)
def test_what_stays_open_before_the_notice_is_read(client, world, path):
    client.force_login(_unread(world.whanau))
    response = client.get(path(world))
    assert response.status_code in (200, 404)


def test_posts_and_htmx_requests_are_not_turned_away(client, world):
    client.force_login(_unread(world.whanau))
    home = reverse("home")
    assert client.get(home, headers={"HX-Request": "true"}).status_code == 200
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "privacy" not in response.url


def _decided(world, path, view=None):
    """What the middleware says before the view runs: None lets the view run."""
    request = RequestFactory().get(path)
    request.user = _unread(world.whanau)
    request.session = {}
    request.resolver_match = resolve(request.path)
    view = view or (lambda r, *a, **k: pytest.fail("the view ran"))
    middleware = FirstNoticeMiddleware(view)
    return middleware.process_view(request, view, (), {})


@pytest.mark.parametrize(
    "path",
    [
        lambda w: reverse("evidence_file", args=[1]),
        lambda w: reverse("booking_calendar", args=[1]),
        lambda w: reverse("report_pdf", args=[1]),
    ],
)
def test_a_file_from_a_link_waits_for_the_notice_and_comes_after(world, path):
    """A photo, a report or a calendar entry of a child is theirs once the notice is read: the
    notice sends them on to it."""
    address = path(world)
    response = _decided(world, address)
    assert response.status_code == 302
    assert response.url == reverse("privacy_notice") + "?" + urlencode({"next": address})


def test_their_own_privacy_export_is_open_before_the_notice(world):
    assert _decided(world, reverse("privacy_export_download", args=[1])) is None


def test_the_page_itself_is_sent_to_the_notice_without_its_view_running(world):
    home = reverse("dashboard")  # without ?export it is a page like any other
    assert _decided(world, home).status_code == 302


def test_the_middleware_asks_nothing_of_the_database(world, django_assert_num_queries):
    """The person and their roles are loaded already: deciding costs no query."""
    request = RequestFactory().get(reverse("home"))
    request.user = _unread(world.whanau)
    request.session = {}
    request.resolver_match = resolve(reverse("home"))
    from partnerships.roles import request_roles

    request_roles(request)  # what the time-zone middleware does for every page
    view = request.resolver_match.func
    with django_assert_num_queries(0):
        response = FirstNoticeMiddleware(view).process_view(request, view, (), {})
    assert response.status_code == 302


def test_the_home_pages_news_waits_for_the_first_real_visit(client, world):
    """Sent to the notice, read an hour and more later: the home page still has what came
    since their visit before, as the home page was never shown."""
    from partnerships import notices

    whanau = _unread(world.whanau)
    before = timezone.now() - datetime.timedelta(days=3)
    User.objects.filter(pk=whanau.pk).update(home_seen_at=before)
    notices.notify(
        kind="comment_reply",
        key="reply-1",
        student=world.student,
        actor=world.teacher,
        title="Times tables to 10",
        url=reverse("goal_detail", args=[world.goal.pk]),
        whanau=[world.link.whanau],
        now=before + datetime.timedelta(days=1),
    )
    client.force_login(whanau)
    assert client.get(reverse("home")).status_code == 302
    assert User.objects.get(pk=whanau.pk).home_seen_at == before
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        client.post(reverse("privacy_notice_read"), {"next": reverse("home")})
        page = client.get(reverse("home")).content.decode()
    assert "New since your last visit" in page
    assert "Times tables to 10" in page


def test_a_page_sent_to_the_notice_is_not_recorded_as_viewed(client, world):
    """No one saw the goal: the child's history does not say they did, until they do."""
    client.force_login(_unread(world.whanau))
    goal = reverse("goal_detail", args=[world.goal.pk])
    assert client.get(goal).status_code == 302
    assert client.get(reverse("student_detail", args=[world.student.pk])).status_code == 302
    assert not AuditEvent.objects.views().filter(actor=world.whanau).exists()
    client.post(reverse("privacy_notice_read"), {"next": goal})
    assert client.get(goal).status_code == 200
    assert AuditEvent.objects.views().filter(actor=world.whanau).count() == 1


def test_a_demo_style_account_made_without_it_sees_it(client, world):
    """Accounts are made with the notice unread: only the tests' factories say otherwise."""
    user = User.objects.create_user(email="new@example.org", name="Hine", password=None)
    assert user.privacy_notice_seen_at is None
    factories.WhanauLinkFactory(student=world.student, whanau__user=user)
    client.force_login(user)
    assert client.get(reverse("home")).url.startswith(reverse("privacy_notice"))


# Emails -------------------------------------------------------------------------------


def _link(school) -> str:
    return "http://testserver" + notice_path(school.pk)


def test_an_invitation_email_links_to_the_schools_notice(world, settings, mailoutbox):
    from partnerships import invitations, outbox

    settings.SITE_URL = "http://testserver"
    invitations.invitation_create_whanau(
        student=world.student,
        email="kui@example.org",
        name="Kui",
        relationship="grandparent",
        language="en",
        by=world.teacher,
    )
    outbox.send_due()
    (message,) = [m for m in mailoutbox if m.to == ["kui@example.org"]]
    assert _link(world.school) in message.body
    assert f'href="{_link(world.school)}"' in message.alternatives[0].content


def test_a_composed_weekly_update_email_links_to_its_schools_notice(world, settings):
    """Composed in bulk (rendered once per shape), each email still carries its school's link."""
    from conversations.weekly import sending
    from conversations.weekly.models import UpdateDelivery, WeeklyUpdate
    from partnerships import mail

    settings.SITE_URL = "http://testserver"
    emails = mail.Composer(sending.UPDATE_TEMPLATE)
    for school in (world.school, world.other_school):
        student = factories.StudentFactory(school=school)
        link = factories.WhanauLinkFactory(student=student)
        update = WeeklyUpdate.objects.create(
            student=student,
            week=timezone.localdate(),
            learned="Fractions",
            status=WeeklyUpdate.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
        delivery = UpdateDelivery.objects.create(update=update, whanau=link.whanau, link=link)
        message = sending.update_message(delivery, emails=emails)
        assert _link(school) in message.body
        assert f'href="{_link(school)}"' in message.alternatives[0].content
        other = world.other_school if school == world.school else world.school
        assert _link(other) not in message.body


def test_an_email_of_no_school_links_the_notice_page(world, settings):
    """A sign-in code to someone at several schools, or none: the notice page, which shows
    each person their own school's once they sign in."""
    from partnerships import mail

    settings.SITE_URL = "http://testserver"
    message = mail.compose(
        template="partnerships/email/notices", to="a@example.org", context={"items": []}
    )
    general = "http://testserver" + reverse("privacy_notice")
    assert re.search(
        rf"How we look after your information: {re.escape(general)}(\s|$)", message.body
    )
    assert f'href="{general}"' in message.alternatives[0].content
    assert not re.search(r"/privacy/s/", message.body)


def test_a_sign_in_code_to_someone_at_two_schools_links_the_notice_page(
    client, world, settings, mailoutbox
):
    """Whānau at two schools: the code is from no one school, and links the notice page."""
    settings.SITE_URL = "http://testserver"
    factories.WhanauLinkFactory(
        student=world.other_school_student,
        whanau__user=world.whanau,
    )
    client.post(reverse("account_request_login_code"), {"email": world.whanau.email})
    (message,) = mailoutbox
    assert "Sent by Mahi Tahi." in message.body
    general = "http://testserver" + reverse("privacy_notice")
    assert re.search(
        rf"How we look after your information: {re.escape(general)}(\s|$)", message.body
    )
    assert f'href="{general}"' in message.alternatives[0].content


def test_a_sign_in_code_from_one_school_links_its_notice(client, world, settings, mailoutbox):
    settings.SITE_URL = "http://testserver"
    client.post(reverse("account_request_login_code"), {"email": world.whanau.email})
    (message,) = mailoutbox
    assert _link(world.school) in message.body
    assert f'href="{_link(world.school)}"' in message.alternatives[0].content
