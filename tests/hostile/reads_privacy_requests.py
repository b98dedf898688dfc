"""What the privacy pages read from a request (see ``reads.py``): requests."""

GET_PARAMS: dict = {
    "privacy_request_new": {
        "kind": ["access", "correction"],
        "record": lambda t: [
            f"learners.goal:{t.world.goal.pk}",
            f"partnerships.whanaumember:{t.world.link.whanau_id}",
            "",
        ],
    },
}
POST_FIELDS: dict = {
    "privacy_request_new": {
        "about": lambda t: [t.world.student.pk, "me"],
        "details": ["Everything you hold, please.", ""],
    },
    "privacy_request_detail": {
        "action": ["export", "correct", "decline"],
        "include_student": ["on", ""],
        "correct-title": ["Read picture books"],
        "correct-success_criteria": ["Reads aloud at home."],
        "correct-body": ["Corrected."],
        "correct-name": ["Mere Kingi"],
        "correct-email": ["mere@example.org"],
        "correct-phone": ["021 555 0100"],
        "correct-response": ["", "Thank you."],
        "decline-response": ["The record stands."],
        "decline-statement": ["It is not right."],
    },
}
FILE_FIELDS: dict = {}
