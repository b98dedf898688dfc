"""What the setup pages read from a request (see ``reads.py``)."""

GET_PARAMS: dict = {}
TERM = {
    "name": ["Term 2 2026", ""],
    "starts_on": ["2026-04-27", "2026-02-02"],
    "ends_on": ["2026-07-03", "2026-01-01"],
}
POST_FIELDS: dict = {
    "school_settings": {
        "name": ["Kōwhai School", "Kura o Kōwhai"],
        "timezone": ["Pacific/Auckland", "Pacific/Chatham", "Europe/London"],
        "weekly_update_weekday": ["0", "4", "6"],
        "weekly_update_time": ["15:00", "09:30"],
        "languages": [["en", "mi"], ["mi"], ["en"]],
        "transition_days": ["21", "1", "365"],
        "update_reminder_hours": ["24", "0"],
        "updates_need_approval": ["on", ""],
    },
    "school_terms": {
        "term-TOTAL_FORMS": ["4"],
        "term-INITIAL_FORMS": ["0"],
        "term-MIN_NUM_FORMS": ["0"],
        "term-MAX_NUM_FORMS": ["4"],
        **{f"term-{row}-{name}": values for row in range(4) for name, values in TERM.items()},
    },
    "term_edit": TERM,
    "school_switch": {"school": lambda t: [t.world.school.pk, t.world.other_school.pk]},
}
FILE_FIELDS: dict = {}
