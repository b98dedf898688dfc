"""The plan's whānau: who each caregiver in a file is among the school's whānau members, what
changes about them, and their links to the students (with access, no contact, invitations).

``planning`` plans the students and classes and calls ``WhanauPlanning.link`` for each
caregiver of a row it imports; the rules of who is who are in ``checking``.
"""

from django.utils.translation import gettext_noop

from partnerships.imports.rows import CaregiverIn, RowIn, person_key
from partnerships.imports.values import (
    CHANGED,
    MEMBER_LABELS,
    link_label,
    msg,
    phone_digits,
    row_error,
)
from partnerships.models import Student, WhanauLink, WhanauMember


class WhanauPlanning:
    """The whānau half of a planner: it uses the planner's ``school``, ``snap``,
    ``targets``, ``header``, ``counts``, ``seen_members`` and ``linked``, and writes into its
    ``plan``."""

    def member(self, caregiver: CaregiverIn, student: Student) -> tuple:
        snap, key = self.snap, caregiver.key
        if key[0] == "email":
            found = snap.by_email.get(key[1])
            # Known by name and phone before the school had their email: the same person.
            digits = phone_digits(caregiver.phone)
            if found is None and digits:
                known = snap.by_phone.get((person_key(caregiver.name), digits))
                found = known if known is not None and not known.email else None
        elif key[0] == "phone":
            found = snap.by_phone.get(key[1:])
        else:
            found = snap.named.get((key[1], student.pk)) if student.pk else None
        if found is None:  # met on an earlier row of this file
            found = self.plan.members.get(key)
        target = self.targets.get(key, caregiver)
        found, action, details = self._member(key, found, target, caregiver)
        self.plan.members[key] = found
        return found, action, details

    def _member(self, key, found, target, caregiver) -> tuple:
        first = key not in self.seen_members and target.row == caregiver.row
        self.seen_members.add(key)
        if found is None:
            found = WhanauMember(
                school=self.school,
                name=target.name,
                email=target.email,
                phone=target.phone,
                preferred_language=target.language or self._first_language(),
                preferred_contact=target.contact or WhanauMember.Contact.EMAIL,
            )
            self.plan.new_members[key] = found
            self.counts["whanau"]["new"] += 1
            return found, "new", []
        if not first or not found.pk:
            return found, "", []
        values = {}
        if found.user_id is None:  # one who joined keeps what they chose, phone included
            values = {"name": target.name, "email": target.email, "phone": target.phone}
            values |= {"preferred_language": target.language}
            values |= {"preferred_contact": target.contact}
        changed = [name for name, new in values.items() if new and new != getattr(found, name)]
        details = []
        for name in changed:
            details.append(
                msg(
                    CHANGED,
                    field=msg(MEMBER_LABELS[name]),
                    old=getattr(found, name) or "–",
                    new=values[name],
                )
            )
            setattr(found, name, values[name])
        if changed:
            self.plan.changed_members[found.pk] = (found, changed)
            self.counts["whanau"]["changed"] += 1
            return found, "changed", details
        self.counts["whanau"]["unchanged"] += 1
        return found, "", []

    def _first_language(self) -> str:
        return (self.school.languages or ["en"])[0]

    def link(self, row: RowIn, caregiver: CaregiverIn, skey: tuple, student: Student) -> None:
        member, action, details = self.member(caregiver, student)
        if (caregiver.key, skey) in self.linked:
            return
        self.linked.add((caregiver.key, skey))
        existing = (
            self.snap.links.get((member.pk, student.pk)) if member.pk and student.pk else None
        )
        relationship = caregiver.relationship or WhanauLink.Relationship.PARENT
        if existing is None:
            link = WhanauLink(
                relationship=relationship,
                has_access=not caregiver.no_contact,
                receives_weekly_update=not caregiver.no_contact,
            )
            self.plan.new_links.append((skey, caregiver.key, link))
            self.counts["links"]["new"] += 1
            details.append(
                msg(
                    gettext_noop("%(relationship)s of %(student)s"),
                    relationship=msg(link_label(relationship)),
                    student=student.full_name,
                )
            )
            if caregiver.no_contact:
                details.append(self._no_contact(student))
            elif member.email and member.user_id is None and member.email not in self.snap.invited:
                self.snap.invited.add(member.email)
                self.plan.invitations.append((skey, caregiver.key, relationship))
                self.counts["invitations"] += 1
        else:
            changed = []
            if caregiver.relationship and caregiver.relationship != existing.relationship:
                details.append(
                    msg(
                        CHANGED,
                        field=msg(gettext_noop("Relationship")),
                        old=msg(link_label(existing.relationship)),
                        new=msg(link_label(caregiver.relationship)),
                    )
                )
                existing.relationship = caregiver.relationship
                changed.append("relationship")
            if caregiver.no_contact and (existing.has_access or existing.receives_weekly_update):
                existing.has_access = existing.receives_weekly_update = False
                changed += ["has_access", "receives_weekly_update"]
                details.append(self._no_contact(student))
            elif not caregiver.no_contact and not existing.has_access:
                row_error(
                    row,
                    self.header(caregiver.column("name")),
                    caregiver.name,
                    msg(
                        gettext_noop(
                            "The school has marked %(name)s no contact for %(student)s. An "
                            "import never gives access back: if that has changed, change it on "
                            "their whānau page."
                        ),
                        name=member.name,
                        student=student.full_name,
                    ),
                    blocking=False,
                )
            if changed:
                self.plan.changed_links.append((existing, changed))
                self.counts["links"]["changed"] += 1
        if details:
            self.plan.change(row.number, "whanau", member.name, action or "changed", details)

    @staticmethod
    def _no_contact(student: Student) -> dict:
        return msg(
            gettext_noop("No contact: sees nothing and is sent nothing about %(student)s."),
            student=student.full_name,
        )
