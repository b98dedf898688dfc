"""The update email as a week's send composes it: what the emails share rendered once, and
each email exactly what its templates would write for it alone."""

import datetime
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from conversations.weekly import sending
from conversations.weekly.models import UpdateDelivery, WeeklyUpdate
from partnerships import mail
from tests import factories

pytestmark = pytest.mark.django_db

WEEK = datetime.date(2026, 11, 16)
NOW = datetime.datetime(2026, 11, 20, 3, 0, tzinfo=datetime.UTC)
# Text that escaping, whitespace and line breaks would show any difference in.
AWKWARD = 'Tama & "Mere" <b>Te Aho</b>\'s\n  two  lines'


def _alone(delivery: UpdateDelivery):
    """The email as its templates write it for this delivery alone, with the model objects."""
    update, whanau = delivery.update, delivery.whanau
    unsubscribe_url = mail.absolute_url(
        reverse("weekly_update_unsubscribe", args=[sending.unsubscribe_token(delivery.link_id)])
    )
    return mail.compose(
        template=sending.UPDATE_TEMPLATE,
        to=whanau.email,
        language=whanau.preferred_language,
        context={
            "update": update,
            "student": update.student,
            "school": update.student.school,
            "whanau": whanau,
            "read_url": mail.absolute_url(
                reverse("weekly_update_read", args=[sending.read_token(delivery)])
            ),
            "unsubscribe_url": unsubscribe_url,
        },
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _parts(message) -> tuple:
    return (
        message.subject,
        message.body,
        message.alternatives[0].content,
        message.to,
        message.extra_headers,
    )


@pytest.fixture
def deliveries(world, time_machine):
    """Deliveries of updates of every shape (each optional part there or not, in both
    languages), with awkward text everywhere the family or student wrote it."""
    time_machine.move_to(NOW, tick=False)  # the links' signatures carry the time
    world.school.name = "Kōwhai & Tōtara School"
    world.school.save()
    made = []
    shapes = itertools.product([False, True], repeat=5)
    for number, (optional, goal, photo, with_teacher, language) in enumerate(shapes):
        student = factories.StudentFactory(
            school=world.school, first_name=f"{AWKWARD} {number}", preferred_name=""
        )
        update = WeeklyUpdate.objects.create(
            student=student,
            week=WEEK,
            learned=f"{AWKWARD} learned",
            proud_of=f"{AWKWARD} proud" if optional else "",
            working_on=f"{AWKWARD} next" if optional else "",
            question_for_home=f"{AWKWARD}?" if optional else "",
            goal=factories.GoalFactory(student=student, title=f"{AWKWARD} goal") if goal else None,
            photo=SimpleUploadedFile("kite.png", b"png") if photo else "",
            written_with_teacher=with_teacher,
            status=WeeklyUpdate.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
        link = factories.WhanauLinkFactory(
            student=student,
            whanau__name=f"{AWKWARD} whānau {number}",
            whanau__preferred_language="mi" if language else "en",
        )
        made.append(UpdateDelivery.objects.create(update=update, whanau=link.whanau, link=link))
    return made


def test_each_email_is_what_its_templates_write_for_it_alone(deliveries):
    """Subject, both bodies, address and headers match a rendering of that email alone."""
    emails = mail.Composer(sending.UPDATE_TEMPLATE)
    for delivery in deliveries:
        assert _parts(sending.update_message(delivery, emails=emails)) == _parts(_alone(delivery))


def test_a_shape_is_rendered_once_however_many_emails(deliveries, monkeypatch):
    """32 shapes, each sent twice: each of the three templates is rendered once per shape."""
    renders = []
    render = mail.render_to_string
    monkeypatch.setattr(
        mail,
        "render_to_string",
        lambda name, context: renders.append(name) or render(name, context),
    )
    emails = mail.Composer(sending.UPDATE_TEMPLATE)
    for delivery in deliveries + deliveries:
        sending.update_message(delivery, emails=emails)
    assert len(renders) == 3 * len(deliveries)


@override_settings(
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {
                            "t_subject.txt": "To {{ name }}",
                            "t_message.txt": "{{ name|upper }} {{ note }}",
                            "t_message.html": "<p>{{ name }}</p>",
                        },
                    )
                ]
            },
        }
    ]
)
def test_a_template_that_changes_a_varying_text_is_rendered_per_email():
    """A filter on a varying text cannot be rendered once: each email is rendered whole."""
    emails = mail.Composer("t")
    for name in ("Mere", "Tama"):
        message = emails.compose(
            to="a@example.com", context={"name": mail.Varies(name), "note": "kia ora"}
        )
        assert (message.subject, message.body) == (f"To {name}", f"{name.upper()} kia ora")
        assert message.alternatives[0].content == f"<p>{name}</p>"
