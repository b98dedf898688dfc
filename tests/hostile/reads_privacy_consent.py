"""What the privacy pages read from a request (see ``reads.py``): consent, and the box on the
evidence form saying a photo shows other children."""

from partnerships.models import MediaConsent

GET_PARAMS: dict = {}
POST_FIELDS: dict = {
    "media_consent": {"consent": [*MediaConsent.values, ""]},
    # The evidence form's fields, as ``reads.py`` lists them, with the box this part adds: it
    # takes the place of that entry.
    "evidence_add": {"note": ["Swam to the rope."], "shows_others": ["on", ""]},
}
FILE_FIELDS: dict = {}
