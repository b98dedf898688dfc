"""What the privacy pages read from a request (see ``reads.py``): retention.

The retention page reads nothing from the request: the school is the leader's own, and the
day is the school's today."""

GET_PARAMS: dict = {}
POST_FIELDS: dict = {}
FILE_FIELDS: dict = {}
