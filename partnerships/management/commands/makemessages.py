"""``makemessages`` without fuzzy matching: a new message starts untranslated.

Django's command refreshes the catalogue with ``msgmerge``, which by default fills each new
message with the translation of the most similar old one and marks it fuzzy. In the te reo
Māori catalogue those guesses were mostly wrong (the words of another button, or a sentence
about something else), yet already filled in they looked done: clearing the fuzzy mark was
enough to publish them. With ``--no-fuzzy-matching`` a new or changed message arrives empty,
so a translator sees exactly what needs translating and writes each one for what it says.
``make messages`` runs this command (the project's commands take precedence over Django's).
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
