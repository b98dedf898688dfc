"""Form submissions already acted on: a double click, a reload or a flaky connection that
sends the same form twice is answered with the first's result and writes nothing more."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Submission(models.Model):
    """One posted form, by its token (rendered into the form), and where it sent the person."""

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.token} → {self.url}"
