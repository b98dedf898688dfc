"""The Django admin: every model's list and add pages load for the people who run the service."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests import factories


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model",
    [m for m in admin.site._registry if m._meta.app_label in {"partnerships", "learners"}],
    ids=lambda m: m._meta.model_name,
)
def test_admin_pages_load(client, world, model):
    """A superuser can open each model's list, and its add page where adding is allowed."""
    superuser = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    opts = model._meta
    assert (
        client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code
        == 200
    )
    model_admin = admin.site._registry[model]
    if model_admin.has_add_permission(type("R", (), {"user": superuser})()):
        assert (
            client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200
        )


@pytest.mark.django_db
def test_teachers_cannot_use_the_admin(client, world):
    """A teacher's account is not an admin account: the admin sends them to sign in."""
    client.force_login(world.teacher)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_admin_shows_staff_who_left_and_refuses_them_a_second_row(client, world):
    """Someone who left is listed, with the day they left; adding them again at the same
    school is refused on the form, not a server error."""
    from partnerships.models import Staff

    Staff.objects.filter(school=world.school, user=world.teacher).update(
        left_at="2026-11-01T00:00Z"
    )
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    listing = client.get(reverse("admin:partnerships_staff_changelist")).content.decode()
    assert world.teacher.name in listing
    response = client.post(
        reverse("admin:partnerships_staff_add"),
        {"school": world.school.pk, "user": world.teacher.pk, "role": "teacher", "title": ""},
    )
    assert response.status_code == 200
    assert "already has a row at this school" in response.content.decode()
    assert Staff.everyone.filter(school=world.school, user=world.teacher).count() == 1
