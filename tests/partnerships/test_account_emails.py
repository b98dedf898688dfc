"""Sign-in emails and invitations: from the reader's school, in the reader's language."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from partnerships import adapters, invitations
from partnerships.models import WhanauMember
from tests import factories
from tests.smtp import free_port

pytestmark = pytest.mark.django_db

CODE = re.compile(r"^\s*([A-Z]{4}-[A-Z]{4})\s*$", re.MULTILINE)


def _request_code(client, email: str):
    """Ask for a sign-in code through allauth's own page; the email it sent."""
    client.post(reverse("account_request_login_code"), {"email": email})
    return mail.outbox[-1]


def _html(message) -> str:
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return html


def test_the_code_email_names_the_school_and_shows_the_code(client, world):
    """The code email says which school it is from, shows the code large, and how long it lasts."""
    message = _request_code(client, world.whanau.email)
    assert message.subject == "Mahi Tahi: Your sign-in code"
    code = CODE.search(message.body).group(1)
    assert world.school.name in message.body
    assert "Here is your code to sign in to Mahi Tahi:" in message.body
    assert "It works for 10 minutes." in message.body
    assert "Hello from" not in message.body
    html = _html(message)
    assert '<html lang="en">' in html
    assert world.school.name in html
    assert re.search(rf"font-size:3\dpx[^>]*>{code}</span>", html)


def test_the_code_email_is_in_te_reo_for_those_who_prefer_it(client, world):
    """A whānau member whose language is te reo Māori gets their code email in te reo."""
    world.whanau.preferred_language = "mi"
    world.whanau.save(update_fields=["preferred_language"])
    message = _request_code(client, world.whanau.email)
    assert message.subject == "Mahi Tahi: Tō waehere takiuru"
    assert "Anei tō waehere hei takiuru ki Mahi Tahi:" in message.body
    assert f"I tukuna mai e {world.school.name} mā Mahi Tahi." in message.body
    assert CODE.search(message.body)
    html = _html(message)
    assert '<html lang="mi">' in html
    assert "Anei tō waehere" in html


def test_the_page_stays_in_the_visitors_language(client, world):
    """Sending the code in te reo leaves the page that asked for it in its own language."""
    world.whanau.preferred_language = "mi"
    world.whanau.save(update_fields=["preferred_language"])
    client.post(reverse("account_request_login_code"), {"email": world.whanau.email})
    response = client.get(reverse("account_confirm_login_code"))
    assert '<html lang="en">' in response.content.decode()


def test_an_unknown_address_is_told_to_ask_for_an_invitation(client, db):
    """An address with no account hears there is none, and that accounts come from a school."""
    message = _request_code(client, "nobody@example.org")
    assert message.subject == "Mahi Tahi: No account for this address"
    assert "ask your school to invite you" in message.body
    assert "/accounts/signup/" not in message.body


def test_a_family_the_school_knows_hears_in_its_language(client, world):
    """An address a school keeps for whānau, with no account yet, is written to as the school
    knows them: the school's name and their language."""
    factories.WhanauMemberFactory(
        school=world.school, user=None, name="Hemi", email="hemi@example.org"
    )
    WhanauMember.objects.filter(email="hemi@example.org").update(preferred_language="mi")
    message = _request_code(client, "hemi@example.org")
    assert message.subject == "Mahi Tahi: Kāore he pūkete mō tēnei wāhitau īmēra"
    assert f"pātai atu ki {world.school.name} kia pōwhiritia koe" in message.body


def test_a_teacher_at_two_schools_gets_no_one_schools_name(world):
    """Someone at two schools is written to from Mahi Tahi, not from one of them."""
    factories.StaffFactory(school=world.other_school, user=world.teacher)
    reader = adapters.reader_of(world.teacher.email)
    assert reader.school is None
    assert adapters.reader_of(world.other_teacher.email).school == world.school


def test_the_reader_costs_two_queries(world, django_assert_num_queries):
    """Finding the reader's language and school: their account, then their schools."""
    with django_assert_num_queries(2):
        adapters.reader_of(world.whanau.email)


def test_a_password_reset_email_is_branded(client, world):
    """A teacher resetting their password gets the school's email with the link."""
    client.post(reverse("account_reset_password"), {"email": world.teacher.email})
    (message,) = mail.outbox
    assert message.subject == "Mahi Tahi: Choose a new password"
    assert world.school.name in message.body
    assert "/accounts/password/reset/key/" in message.body
    assert "/accounts/password/reset/key/" in _html(message)


def test_the_invitation_is_in_te_reo_for_a_te_reo_speaking_whanau_member(
    world, django_capture_on_commit_callbacks
):
    """Inviting a whānau member the school knows prefers te reo Māori writes to them in te reo."""
    WhanauMember.objects.filter(user=world.whanau).update(preferred_language="mi")
    with django_capture_on_commit_callbacks(execute=True):
        invitations.invitation_create_whanau(
            student=world.other_student,
            email=world.whanau.email,
            name="Mere",
            relationship="grandparent",
            language="en",
            by=world.other_teacher,
        )
    (message,) = mail.outbox
    assert "Kāore he kupuhipa e hiahiatia ana" in message.body
    assert f"I tukuna mai e {world.school.name} mā Mahi Tahi." in message.body
    html = _html(message)
    assert '<html lang="mi">' in html
    assert world.school.name in html


def test_a_new_address_is_invited_in_the_language_chosen(world, django_capture_on_commit_callbacks):
    """Someone the school doesn't know yet is invited in the language the teacher chose."""
    with django_capture_on_commit_callbacks(execute=True):
        invitations.invitation_create_whanau(
            student=world.student,
            email="new@example.org",
            name="Aroha",
            relationship="aunt_uncle",
            language="en",
            by=world.teacher,
        )
    (message,) = mail.outbox
    assert "No password needed: you sign in with a code we email you." in message.body
    assert '<html lang="en">' in _html(message)


def test_a_dead_mail_server_is_a_message_not_an_error(client, world, settings):
    """With the mail server unreachable, asking for a code says so and asks to try again."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 1},
        }
    }
    response = client.post(
        reverse("account_request_login_code"), {"email": world.whanau.email}, follow=True
    )
    assert response.status_code == 200
    assert "We could not send the email just now" in response.content.decode()
