"""The teacher's whānau-voice inbox: what whānau said that nobody at school has answered.

Goal comments are this app's own. The apps above add their sections (replies to weekly
updates, for one) by registering in their ``AppConfig.ready``: ``context(request)`` returns
what the section's ``template`` shows, in a constant number of queries, or ``None`` when it
has nothing waiting for this person.
"""

from partnerships.pages import Page

SECTIONS = Page()
