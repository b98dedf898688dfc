"""What the privacy pages read from a request (see ``reads.py``): exports."""

GET_PARAMS: dict = {}
POST_FIELDS: dict = {}
FILE_FIELDS: dict = {}
