"""What the setup pages read from a request (see ``reads.py``)."""

GET_PARAMS: dict = {}
POST_FIELDS: dict = {}
FILE_FIELDS: dict = {}
