"""The teacher's whānau-voice inbox: what whānau said that nobody at school has answered.

The page lists goal comments, this app's own. The apps above add their sections (replies to
weekly updates, for one) by registering in their ``AppConfig.ready``: ``context(request)``
returns what the section's ``template`` shows, in a constant number of queries, or ``None``
when it has nothing waiting for this person.

Each waiting item is drawn here, in Python, as one card with its answer form (``Cards``): the
template engine drew a page of fifty cards, their links, dates and words one tag at a time,
and that was most of a leader's inbox. Every value is escaped; the words are translated once
a page.
"""

from django.core.paginator import Paginator
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from learners.access import whanau_comments_awaiting
from learners.models import GoalComment
from partnerships.pages import Page
from partnerships.roles import staff_only
from partnerships.submissions import token_field

SECTIONS = Page()
PER_PAGE = 50
# What a card shows of a comment, its goal, student and author: the rest is never read.
SHOWN_FIELDS = (
    "goal__title",
    "goal__student__first_name",
    "goal__student__last_name",
    "goal__student__preferred_name",
    "author__name",
    "body",
    "correction_statements",
    "created_at",
)
_PK = 9876543210  # stands for the key in a path reversed once (``Cards.url``)


class Cards:
    """What every card of one page shares: its words, the paths its links and forms go to,
    and the request's CSRF field, each worked out once."""

    def __init__(self, request, words: dict[str, str]):
        self.words = {key: escape(word) for key, word in words.items()}
        self.csrf = (
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(get_token(request))}">'
        )
        self._paths: dict[str, str] = {}
        self._said: dict = {}  # each day, and morning and afternoon, put in words once

    def url(self, name: str, pk: int) -> str:
        """``reverse(name, args=[pk])``, the path worked out once per name."""
        if name not in self._paths:
            self._paths[name] = reverse(name, args=[_PK]).replace(str(_PK), "{pk}")
        return self._paths[name].format(pk=int(pk))

    def when(self, moment) -> str:
        """As ``|date:"j M Y, g:i a"`` shows it, in the active time zone, escaped."""
        local = timezone.localtime(moment)
        if (day := self._said.get(local.date())) is None:
            day = self._said[local.date()] = date_format(local, "j M Y")
        # "g:i a": the hour and minute are digits; only "a.m."/"p.m." are words.
        if (noon := self._said.get(local.hour < 12)) is None:
            noon = self._said[local.hour < 12] = dateformat.format(local, "a")
        return escape(f"{day}, {local.hour % 12 or 12}:{local.minute:02d} {noon}")

    def author(self, user) -> str:
        """Who wrote it, escaped: someone no longer here when the account is gone."""
        return escape(user.name) if user and user.name else self.words["nobody"]

    def form_fields(self) -> str:
        """The hidden fields of a form on the page: CSRF, and a one-time token."""
        return self.csrf + token_field()


def _statements(comment) -> str:
    """The comment's statements of correction, as its page shows them (rarely any: drawn by
    the template only then)."""
    if not comment.correction_statements:
        return ""
    shown = render_to_string(
        "includes/correction_statement.html", {"statements": comment.correction_statements}
    )
    return f"      {shown}\n"


def comment_rows(request, comments) -> list[str]:
    """Each waiting comment's card and answer form, as markup."""
    cards = Cards(request, {"answer": _("Answer"), "nobody": _("Someone no longer here")})
    answer_name = _("Answer %(name)s")
    inbox_url = escape(reverse("inbox"))
    rows = []
    for comment in comments:
        pk, goal = comment.pk, comment.goal
        name = escape(comment.author.name) if comment.author else ""
        post_url = cards.url("comment_post", comment.goal_id)
        rows.append(
            f'\n    <li class="card mb-3" id="waiting-{pk}"><div class="card-body">\n'
            f'      <div class="small text-body-secondary mb-1">{cards.when(comment.created_at)}'
            f' · <a href="{cards.url("goal_detail", comment.goal_id)}#comments">'
            f"{escape(goal.student.full_name)}: {escape(goal.title)}</a></div>\n"
            f'      <p class="mb-2"><strong>{cards.author(comment.author)}</strong>: '
            f'<span class="profile-text">{escape(comment.body)}</span></p>\n'
            f"{_statements(comment)}"
            f'      <form method="post" action="{post_url}" hx-post="{post_url}" '
            f'hx-target="#waiting-{pk}" hx-swap="outerHTML">\n'
            f"        {cards.form_fields()}\n"
            f'        <input type="hidden" name="next" value="{inbox_url}">\n'
            f'        <label for="answer-{pk}" class="form-label small">'
            f"{answer_name % {'name': name}}</label>\n"
            f'        <textarea id="answer-{pk}" name="body" rows="2" maxlength="2000" '
            f'class="form-control mb-2" required></textarea>\n'
            f'        <button type="submit" class="btn btn-primary btn-sm">'
            f"{cards.words['answer']}</button>\n"
            f"      </form>\n    </div></li>"
        )
    return [mark_safe(markup) for markup in rows]  # noqa: S308  every value escaped above


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
    page.object_list = list(
        GoalComment.objects.filter(pk__in=page.object_list)
        .select_related("author", "goal__student")
        .only(*SHOWN_FIELDS)
        .order_by("created_at", "pk")
    )
    return render(
        request,
        "learners/inbox.html",
        {
            "page": page,
            "rows": comment_rows(request, page.object_list),
            "sections": SECTIONS.render(request),
        },
    )
