"""What the privacy pages read from a request (see ``reads.py``): notice."""

GET_PARAMS: dict = {
    # Where to go back to once the notice is read: a path of this site only.
    "privacy_notice": {"next": ["/", "/goals/", "//example.org/", "https://example.org/"]},
}
POST_FIELDS: dict = {
    "privacy_notice_read": {"next": ["/", "/goals/", "//example.org/", "javascript:alert(1)"]},
    "privacy_settings": {
        "notice": ["Kia ora koutou.\n\nWe keep what we need.", ""],
        "use_default": ["on", ""],
        "officer": lambda t: ["", t.world.school.staff.get(user=t.world.leader).pk],
        "records_years": ["7", "1", "50"],
        "evidence_years": ["7", "3"],
        "audit_years": ["7", "10"],
    },
}
FILE_FIELDS: dict = {}
