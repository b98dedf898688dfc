"""What the privacy pages read from a request (see ``reads.py``): notice."""

GET_PARAMS: dict = {}
POST_FIELDS: dict = {}
FILE_FIELDS: dict = {}
