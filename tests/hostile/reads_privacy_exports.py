"""What the privacy pages read from a request (see ``reads.py``): exports.

The download reads nothing but its URL's key; the school's export page reads only the
one-time token of its form (``partnerships.submissions``)."""

import uuid

GET_PARAMS: dict = {}
POST_FIELDS: dict = {
    "privacy_school_export": {"submission": lambda t: [str(uuid.uuid4())]},
}
FILE_FIELDS: dict = {}
