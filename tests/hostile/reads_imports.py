"""What the imports pages read from a request (see ``reads.py``)."""

from tests.access.rows_imports import HEADERS, MAPPING, school_preset

GET_PARAMS: dict = {
    # A saved set of columns to fill the form with: the school's own, or none.
    "import_map": {"preset": lambda t: [school_preset(t).pk, ""]},
}
POST_FIELDS: dict = {
    "import_start": {"kind": ["students", "caregivers"]},
    "import_map": {
        **{field: [header, ""] for field, header in MAPPING.items()},
        "school_ref": ["", *HEADERS],
        "preset_name": ["Our export", ""],
    },
    "import_confirm": {"invite": ["on", ""]},
}
FILE_FIELDS: dict = {
    "import_start": ("file",),
}
