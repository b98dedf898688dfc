"""The teacher's whānau-voice inbox: what whānau said that nobody at school has answered.

The page lists goal comments, this app's own. The apps above add their sections (replies to
weekly updates, for one) by registering in their ``AppConfig.ready``: ``context(request)``
returns what the section's ``template`` shows, in a constant number of queries, or ``None``
when it has nothing waiting for this person.
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from learners.access import whanau_comments_awaiting
from learners.models import GoalComment
from partnerships.access import staff_only
from partnerships.pages import Page

SECTIONS = Page()
PER_PAGE = 50


@require_safe
@staff_only
def inbox(request):
    """Whānau comments nobody at school has answered yet, oldest first, across my students;
    then the sections other apps add."""
    # Whether a comment is answered is asked of every whānau comment of my students, so it
    # is asked once: the ids of all that wait, then this page's comments by id (a count and a
    # page would each ask it of a whole school again for a leader).
    waiting = whanau_comments_awaiting(request.user).order_by("created_at", "pk")
    page = Paginator(list(waiting.values_list("pk", flat=True)), PER_PAGE).get_page(
        request.GET.get("page")
    )
    page.object_list = (
        GoalComment.objects.filter(pk__in=page.object_list)
        .select_related("author", "goal__student")
        .order_by("created_at", "pk")
    )
    return render(
        request, "learners/inbox.html", {"page": page, "sections": SECTIONS.render(request)}
    )
