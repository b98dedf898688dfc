"""What of the ground floor a person may ask to correct: their own contact details (name,
email, phone), found only among their own whānau records."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from partnerships import audit
from partnerships.access import whanau_members_visible_to
from partnerships.models import AuditEvent, WhanauMember
from partnerships.privacy.hooks import CORRECTABLE, Correctable, Field
from partnerships.privacy.statements import statement_attach

FIELDS = ("name", "email", "phone")


def _write(member: WhanauMember, *, actor, values: dict, summary: str) -> None:
    changed = audit.apply_changes(member, values)
    if not changed:
        return
    member.save(update_fields=changed)
    # No personal content in the trail: which fields, never what they say.
    audit.record(actor=actor, action=AuditEvent.Action.CHANGED, obj=member, summary=summary)


def _correct(member: WhanauMember, *, actor, values: dict) -> None:
    values = {**values, "email": values["email"].strip().lower()}
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            message = _("Please give an email address that works.")
            raise ValidationError({"email": message}) from None
    changed = [name for name in FIELDS if values[name] != getattr(member, name)]
    summary = _("Contact details corrected at a request for correction: %(fields)s") % {
        "fields": audit.fields_summary(WhanauMember, changed)
    }
    _write(member, actor=actor, values=values, summary=summary)


def _attach(member: WhanauMember, *, actor, voice: str, text: str, on) -> None:
    statements = statement_attach(member, voice=voice, text=text, on=on)
    _write(
        member,
        actor=actor,
        values={"correction_statements": statements},
        summary=str(_("A statement of correction was attached to the contact details")),
    )


@CORRECTABLE.register("partnerships.whanaumember")
def whanau_member_correctable() -> Correctable:
    field = WhanauMember._meta.get_field
    return Correctable(
        label=_("My contact details"),
        fields=tuple(
            Field(name, field(name).verbose_name, field(name).max_length, required=name == "name")
            for name in FIELDS
        ),
        find=lambda user, pk: whanau_members_visible_to(user).filter(user=user, pk=pk).first(),
        find_for_officer=lambda user, school, pk: (
            whanau_members_visible_to(user).filter(school=school, pk=pk).first()
        ),
        text=lambda member: {name: getattr(member, name) for name in FIELDS},
        student=lambda member: None,
        correct=_correct,
        attach=_attach,
    )
