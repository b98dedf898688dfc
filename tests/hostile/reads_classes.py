"""What the classes pages read from a request (see ``reads.py``)."""

GET_PARAMS: dict = {
    "class_cards_pdf": {"lang": ["en", "mi", "xx", ""]},
}
POST_FIELDS: dict = {
    "class_cards": {
        "action": ["issue_missing", "reissue", ""],
        "students": lambda t: [[t.world.student.pk], [t.world.classmate.pk], []],
        "confirm": ["on", ""],
    },
}
FILE_FIELDS: dict = {}
