"""Staff two-factor sign-in (allauth's MFA: an authenticator app, recovery codes), and a
school requiring it of its leaders (partnerships/two_factor.py)."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.urls import reverse

from partnerships.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factories' staff password


def totp_code(secret: str) -> str:
    """What an authenticator app shows now, computed as allauth checks it."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def with_app(user) -> str:
    """``user`` has an authenticator app (and recovery codes); returns the app's secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def require_for_leaders(school):
    school.leaders_need_two_factor = True
    school.save(update_fields=["leaders_need_two_factor"])


def sign_in_with_password(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def confirm_password(client):
    """allauth asks for the password again before two-factor settings change."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def test_leader_signs_in_with_totp(client, world):
    """With an authenticator app, the password is not enough: the app's code completes it."""
    secret = with_app(world.leader)
    response = sign_in_with_password(client, world.leader)
    assert response.url == reverse("mfa_authenticate")
    assert not client.get(reverse("home")).context["user"].is_authenticated
    page = client.get(reverse("mfa_authenticate")).content.decode()
    assert "6-digit code" in page
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)}, follow=True)
    assert response.context["user"] == world.leader


def test_wrong_totp_code_is_refused(client, world):
    """A wrong code is a clear error and signs nobody in."""
    with_app(world.leader)
    sign_in_with_password(client, world.leader)
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert not client.get(reverse("home")).context["user"].is_authenticated


def test_recovery_code_signs_in_once(client, world):
    """A recovery code stands in for the app's code, once."""
    with_app(world.teacher)
    code = RecoveryCodes.activate(world.teacher).get_unused_codes()[0]
    sign_in_with_password(client, world.teacher)
    response = client.post(reverse("mfa_authenticate"), {"code": code}, follow=True)
    assert response.context["user"] == world.teacher
    client.logout()
    sign_in_with_password(client, world.teacher)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert "Incorrect code" in response.content.decode()


def test_staff_set_up_totp_from_the_menu(client, world):
    """A teacher finds "Two-factor sign-in" in the menu, scans the QR code (or types the key),
    confirms with the app's code, and is shown their recovery codes."""
    sign_in_with_password(client, world.teacher)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("mfa_index")}"' in home
    assert "Set up an authenticator app" in client.get(reverse("mfa_index")).content.decode()
    response = client.get(reverse("mfa_activate_totp"))
    assert response.url.startswith(reverse("account_reauthenticate"))
    confirm_password(client)
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    assert secret in page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in page.content.decode()
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    codes = RecoveryCodes.activate(world.teacher).get_unused_codes()
    assert all(code in response.content.decode() for code in codes)
    assert Authenticator.objects.filter(user=world.teacher, type="totp").exists()


def test_whanau_see_no_two_factor_link(client, world):
    """The menu offers two-factor sign-in to staff only."""
    client.force_login(world.whanau)
    assert reverse("mfa_index") not in client.get(reverse("home")).content.decode()


def test_leader_of_a_school_requiring_it_sets_it_up_first(client, world):
    """A leader without an app, at a school that requires one, is sent to set it up before
    anything else, saying why; signing out and setting up still work; then all is open."""
    require_for_leaders(world.school)
    sign_in_with_password(client, world.leader)
    for name in ("home", "school_staff", "dashboard"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url == reverse("mfa_activate_totp")
    response = client.get(reverse("home"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("mfa_activate_totp")
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert "asks its leaders to sign in with two-factor" in response.content.decode()
    confirm_password(client)
    page = client.get(reverse("mfa_activate_totp"))
    client.post(reverse("mfa_activate_totp"), {"code": totp_code(page.context["form"].secret)})
    assert client.get(reverse("home")).status_code == 200


def test_teachers_of_that_school_are_not_made_to(client, world):
    """The requirement is for leaders: a teacher of the school goes on as before."""
    require_for_leaders(world.school)
    client.force_login(world.teacher)
    assert client.get(reverse("home")).status_code == 200


def test_leader_with_an_app_is_let_through(client, world):
    """A leader who already signs in with an app sees their pages as usual."""
    require_for_leaders(world.school)
    with_app(world.leader)
    client.force_login(world.leader)
    assert client.get(reverse("home")).status_code == 200


def test_leader_cannot_turn_it_off_while_the_school_requires_it(client, world):
    """Turning the app off is refused, saying why, while the school requires it."""
    require_for_leaders(world.school)
    with_app(world.leader)
    client.force_login(world.leader)
    confirm_password(client)
    page = client.get(reverse("mfa_deactivate_totp")).content.decode()
    assert "asks its leaders to keep two-factor sign-in on" in page
    client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=world.leader, type="totp").exists()


def test_teacher_can_turn_it_off(client, world):
    """Without a requirement, staff may turn two-factor sign-in off again."""
    with_app(world.teacher)
    client.force_login(world.teacher)
    confirm_password(client)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=world.teacher, type="totp").exists()


def test_leader_requires_it_of_every_leader(client, world):
    """A leader who uses an app requires it of the school's leaders; it is audited, and the
    leader may stop requiring it."""
    with_app(world.leader)
    client.force_login(world.leader)
    page = client.get(reverse("mfa_index")).content.decode()
    assert "Require it of every leader" in page
    response = client.post(reverse("school_two_factor"), {"required": "on"}, follow=True)
    assert "now sign in with two-factor" in response.content.decode()
    world.school.refresh_from_db()
    assert world.school.leaders_need_two_factor
    assert AuditEvent.objects.filter(
        school=world.school, object_type="partnerships.school", actor=world.leader
    ).exists()
    client.post(reverse("school_two_factor"))
    world.school.refresh_from_db()
    assert not world.school.leaders_need_two_factor


def test_leader_without_an_app_cannot_require_it(client, world):
    """Requiring it without using it yourself would lock you out: refused, saying so."""
    client.force_login(world.leader)
    assert "Set up your own authenticator app first" in (
        client.get(reverse("mfa_index")).content.decode()
    )
    response = client.post(reverse("school_two_factor"), {"required": "on"}, follow=True)
    assert "Set up your own authenticator app first" in response.content.decode()
    world.school.refresh_from_db()
    assert not world.school.leaders_need_two_factor


def test_other_schools_leaders_are_not_affected(client, world):
    """One school's requirement binds its own leaders only."""
    require_for_leaders(world.school)
    client.force_login(world.other_school_leader)
    assert client.get(reverse("home")).status_code == 200


def test_new_schools_do_not_require_it(db):
    """Two-factor sign-in is the school's choice: off until a leader turns it on (so the
    demo leader signs in with a password alone)."""
    from partnerships.models import School

    assert not School.objects.create(name="Hou School").leaders_need_two_factor
