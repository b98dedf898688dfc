"""What each page reads from a request: the GET parameters, and the fields its POST takes.

Each name maps to plausible values (a list, or a function of the test's ``Things`` giving
one): the hostile test keeps some fields plausible while it spoils others, so that a
value is checked where the page really parses it and not only refused by a first error.
A POST also takes the fields of its row's body in the access matrix (``Row.data``).

A view that reads a GET parameter not listed here fails the hostile test: add it here, so
that it is attacked too.
"""

import datetime
import uuid

from django.utils import timezone

from conversations.models import Booking, LearningConversation, Place
from learners.models import Goal, InquiryStep, NextStep
from partnerships.models import Student, Voice, WhanauLink, WhanauMember
from partnerships.notices import FAMILY, STAFF, kinds_for
from reports.drilldown import DRILLS
from tests.hostile import (
    reads_classes,
    reads_imports,
    reads_privacy_consent,
    reads_privacy_exports,
    reads_privacy_notice,
    reads_privacy_requests,
    reads_privacy_retention,
    reads_setup,
    reads_year,
)


def _days_ago(days: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


PAGE = {"page": ["1", "2", "last"]}
FILTERS = {
    "classroom": lambda t: [t.world.classroom.pk, ""],
    "year_level": ["3", ""],
    "priority": ["on"],
    "period": ["term", "4weeks", "week", "custom"],
    "start": lambda t: [_days_ago(30)],
    "end": lambda t: [_days_ago(0)],
    "weeks": ["4"],
    "export": ["csv", "not_reached"],
}
# A round's schedule and door lists: a school day, and a teacher offering times.
SCHEDULE = {
    "day": lambda t: [_days_ago(-3), ""],
    "teacher": lambda t: [t.world.teacher.pk, t.world.other_teacher.pk, ""],
}

GET_PARAMS = {
    "school_whanau": {"q": ["Aroha", "@example"], **PAGE},
    "school_students": {"q": ["Aroha"], "left": ["1"], **PAGE},
    "student_history": {"show": ["views", "changes", ""], **PAGE},
    "card_sign_in": {"key": ["abcdefgh"]},
    "card_sign_in_qr": {"key": ["abcdefgh"]},
    "goal_history": PAGE,
    "inbox": PAGE,
    "student_notices": PAGE,
    "conversation_create": {"kind": LearningConversation.Kind.values},
    "weekly_update_week": {"week": lambda t: [_days_ago(7), _days_ago(0)], **PAGE},
    "transitions": PAGE,
    "weekly_update_photo": {"v": ["0123456789ab"]},  # only for the browser's cache
    "dashboard": FILTERS,
    "dashboard_students": {**FILTERS, "figure": list(DRILLS), **PAGE},
    **dict.fromkeys(("round_schedule", "round_door_lists"), SCHEDULE),
    "round_not_booked": {"classroom": lambda t: [t.world.classroom.pk, "none", ""]},
    "round_book": {
        "take": lambda t: [f"{t.world.student.pk}-{t.slot.pk}"],
        "move": lambda t: [t.world.student.pk],
    },
}

BOOKING_NEEDS = {
    "how": Booking.How.values,
    "needs_childcare": ["on"],
    "needs_interpreter": ["on"],
    "interpreter_language": ["Tongan"],
    "needs_accessible_room": ["on"],
    "note": ["Please ring my mobile."],
}
# Every POST may carry a form's one-time token (``partnerships.submissions``).
TOKEN = {"submission": lambda t: [str(uuid.uuid4())]}
GOAL = {
    "title": ["Swim 25 metres"],
    "success_criteria": ["Without stopping."],
    "learning_area": [""],
    "dispositions": [[]],
    "target_date": lambda t: [_days_ago(-30), ""],
    "status": Goal.Status.values,
}
STEP = {
    "text": ["Practise at the pool"],
    "where": NextStep.Where.values,
    "taken_by": [value for value, _label in Voice.partner_choices()],
}
CONVERSATION = {
    "kind": LearningConversation.Kind.values,
    "held_at": lambda t: [_days_ago(1) + "T18:30"],
    "place": Place.values,
    "led_by": [value for value, _label in Voice.partner_choices()],
    "student_attended": ["on", ""],
    "whanau_attendees": lambda t: [[t.world.link.whanau_id]],
    "staff_attendees": lambda t: [[t.world.teacher.pk]],
    "others": ["Nana"],
    "school_noticed": ["We noticed she loves the water."],
    "whanau_see": ["At home too."],
    "student_said": ["I like swimming."],
    "agreed_next_steps": ["Swim on Saturdays."],
    "follow_up_on": lambda t: [_days_ago(-14), ""],
    "goals": lambda t: [[t.world.goal.pk]],
    "staff_notes": ["Check in with learning support."],
}
PREFERENCES = {
    "phone": ["021 555 0101"],
    "preferred_language": ["en", "mi"],
    "preferred_contact": WhanauMember.Contact.values,
    "preferred_meeting_times": ["After 7pm"],
    "needs_childcare": ["on"],
    "needs_interpreter": ["on"],
    "interpreter_language": ["Samoan"],
    "accessibility_needs": ["A ramp"],
}
UPDATE = {
    "learned": ["Volcanoes"],
    "proud_of": ["My poster"],
    "working_on": ["Times tables"],
    "goal": lambda t: [t.world.goal.pk, ""],
    "question_for_home": ["What did you learn at my age?"],
    "photo-clear": ["on"],
    "submit": ["1"],
}


def _notice_kinds(t) -> dict:
    kinds = {entry.name for entry in kinds_for(FAMILY) + kinds_for(STAFF)}
    return {f"kind_{name}": ["instant", "daily", "weekly", "off"] for name in sorted(kinds)}


POST_FIELDS = {
    "school_two_factor": {"required": ["on", ""]},
    "school_households": {
        "per_household": ["on", ""],
        "next": ["/rounds/", "https://elsewhere.example/"],
    },
    "school_staff": {"name": ["Kaiako"], "email": ["k@example.org"], "role": ["teacher"]},
    "student_edit": {
        "first_name": ["Aroha"],
        "last_name": ["Ngata"],
        "preferred_name": ["Ari"],
        "year_level": ["3", "0", "13"],
        "classroom": lambda t: [t.world.classroom.pk],
        "start_date": lambda t: [_days_ago(100)],
        "is_priority_learner": ["on"],
        "assigned_teachers": lambda t: [[t.world.teacher.pk]],
        **{name: ["Loves the water"] for name in Student.PROFILE_FIELDS},
    },
    "student_card": {"action": ["issue", "revoke"]},
    "student_whanau": {
        "name": ["Aunty Mere"],
        "email": ["mere@example.org"],
        "relationship": WhanauLink.Relationship.values,
        "language": ["en", "mi"],
    },
    "student_household": {
        "member": lambda t: [t.world.link.whanau_id],
        "lives_with": lambda t: [
            "alone",
            "",
            t.world.student.whanau_links.get(has_access=False).whanau_id,
            t.world.link.whanau_id,
        ],
    },
    "whanau_link_edit": {
        "link-relationship": WhanauLink.Relationship.values,
        "link-has_access": ["on"],
        "link-receives_weekly_update": ["on"],
        "member-name": ["Mere"],
        **{f"member-{name}": values for name, values in PREFERENCES.items()},
    },
    "card_sign_in": {"code": ["ABCD-2345", "abcd2345"]},
    "card_sign_in_qr": {"code": ["ABCD-2345"]},
    "invitation_accept": {
        "name": ["New Whānau"],
        "language": ["en", "mi"],
        "password1": ["a long pass phrase 2026"],
        "password2": ["a long pass phrase 2026"],
    },
    "whanau_preferences": PREFERENCES,
    "notice_settings": lambda t: {
        "quiet": ["on", ""],
        "quiet_from": ["21:30"],
        "quiet_until": ["06:30"],
        "digest_time": ["16:00"],
        "digest_weekday": ["0", "4", "6"],
        **_notice_kinds(t),
    },
    "goal_create": GOAL,
    "goal_edit": GOAL,
    "conversation_goal_create": GOAL,
    "next_step_create": STEP,
    "conversation_step_create": STEP,
    "next_step_edit": {
        **STEP,
        "form": ["activity", ""],
        "activity-title": ["Count the stairs"],
        "activity-instructions": ["Count them together."],
    },
    "next_step_done": {"done": ["1", "0"]},
    "next_step_move": {"direction": ["up", "down"]},
    "evidence_add": {"note": ["Swam to the rope."]},
    "comment_post": {"body": ["She practises her kicking."], "next": ["/inbox/", ""]},
    "comment_edit": {"body": ["Every night now."]},
    "comment_hide": {"reason": ["It names another child."]},
    "inquiry_detail": {
        "stage": InquiryStep.Stage.values,
        "text": ["He talks about the marae."],
        "where": ["", *NextStep.Where.values],
        "shared": ["on"],
    },
    "conversation_create": CONVERSATION,
    "conversation_edit": CONVERSATION,
    "reflection_add": {"body": ["It helped."]},
    "round_list": {
        "title": ["Term 2"],
        "kind": LearningConversation.Kind.values,
        "classes": lambda t: [[t.world.classroom.pk], []],
        "opens_at": lambda t: [f"{_days_ago(1)}T09:00", ""],
        "closes_at": lambda t: [f"{_days_ago(-14)}T17:00"],
        "minutes": ["15", "20"],
        "break_minutes": ["0", "10"],
        "break_after": ["0", "6"],
        "ways": [[Place.AT_SCHOOL], [Place.PHONE, Place.ONLINE]],
    },
    "round_detail": {
        "action": ["cancel", "open", "close", "link", ""],
        "booking": lambda t: [t.booking.pk],
        "reason": ["The teacher is ill."],
        "date": lambda t: [_days_ago(-7)],
        "first": ["15:00"],
        "last": ["17:00"],
        "place": Place.values,
        "location": ["Rūma Tūī", ""],
        "meeting_link": ["https://meet.example/kaiako", ""],
        "who": ["me", "all", "chosen"],
        "teachers": lambda t: [[t.world.teacher.pk]],
        "include_weekend": ["on", ""],
    },
    "round_not_booked": {"classroom": lambda t: [t.world.classroom.pk, ""]},
    "round_book": {
        "action": ["book", "ask", ""],
        "student": lambda t: [t.world.student.pk],
        "message": ["After 6pm."],
        **BOOKING_NEEDS,
    },
    "time_request_answer": {"answer": ["Thursday at 6pm."]},
    "slot_book": {
        **BOOKING_NEEDS,
        "seen": lambda t: [str(int(t.slot.starts_at.timestamp()))],
        "booking": [""],
    },
    "weekly_update_write": UPDATE,
    "weekly_update_write_with": UPDATE,
    "weekly_update_approve": {
        "update": lambda t: [t.submitted_update.pk],
        "week": lambda t: [t.submitted_update.week.isoformat(), ""],
    },
    "weekly_update_detail": {"body": ["Ka pai!"]},
    "weekly_update_answer": {"body": ["Tino pai!"]},
    "report_round_list": {
        "form": ["round", "approval"],
        "required": ["on", ""],
        "name": ["End of year"],
        "period_starts_on": lambda t: [_days_ago(60)],
        "due_on": lambda t: [_days_ago(-14)],
        "classes": lambda t: [[t.world.classroom.pk]],
    },
    "report_edit": {"teacher_comment": ["Steady growth."], "support_note": ["Reading support."]},
    "report_status": {"action": ["reflection", "ready", "approve"]},
    "report_publish": {"reason": ["The family knows: we spoke on the phone."]},
    "report_reflection": {"text": ["I am proud of my swimming."]},
    "report_home_help": {"home-text": ["We will read together."]},
    "report_respond": {"response-text": ["Thank you."]},
}

# Fields that take a file: hostile uploads (cut short, mislabelled, a decompression bomb).
FILE_FIELDS = {
    "evidence_add": ("file",),
    "weekly_update_write": ("photo",),
    "weekly_update_write_with": ("photo",),
}

# The set-up pages keep their reads beside each other, one module each.
for _pages in (
    reads_setup,
    reads_imports,
    reads_classes,
    reads_year,
    reads_privacy_notice,
    reads_privacy_consent,
    reads_privacy_requests,
    reads_privacy_exports,
    reads_privacy_retention,
):
    GET_PARAMS |= _pages.GET_PARAMS
    POST_FIELDS |= _pages.POST_FIELDS
    FILE_FIELDS |= _pages.FILE_FIELDS


def plausible(fields, things) -> dict[str, list]:
    """The fields with their plausible values made for this test's objects."""
    if callable(fields):
        fields = fields(things)
    return {
        name: list(values(things) if callable(values) else values)
        for name, values in fields.items()
    }
