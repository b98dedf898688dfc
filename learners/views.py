"""Goal pages: a student's goals; a goal with next steps, evidence and talk."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from learners import services
from learners.access import (
    comments_hideable_by,
    comments_on_goal_seen_by,
    comments_visible_to,
    goal_seen_by,
    goals_editable_by,
    goals_managed_by,
    goals_visible_to,
    next_steps_managed_by,
    next_steps_visible_to,
)
from learners.evidence_views import evidence_context
from learners.forms import (
    CommentForm,
    EvidenceForm,
    GoalForm,
    HideCommentForm,
    HomeActivityForm,
    NextStepForm,
)
from learners.models import Goal, GoalAgreement, GoalComment, goal_url
from partnerships import audit, submissions
from partnerships.access import Relation, relation_to, students_visible_to
from partnerships.models import AuditEvent
from partnerships.submissions import once_per_form

PER_PAGE = 50


@require_safe
@login_required
def goal_list(request, pk: int):
    """A student's goals: active first, achieved after, each showing who has agreed."""
    student = get_object_or_404(
        students_visible_to(request.user).select_related("classroom"), pk=pk
    )
    goals = (
        student.goals.with_agreement()
        .select_related("learning_area")
        .prefetch_related("dispositions")
        .in_list_order()
    )
    audit.viewed(request, student=student, what=_("Goals"))
    return render(request, "learners/goal_list.html", {"student": student, "goals": goals})


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form
def goal_create(request, pk: int):
    """Anyone on the student's team may propose a goal: the student, whānau or a teacher."""
    student = get_object_or_404(students_visible_to(request.user), pk=pk)
    relation = relation_to(request.user, student)
    form = GoalForm(request.POST or None, school_id=student.school_id)
    if request.method == "POST" and form.is_valid():
        goal = services.goal_create(
            student=student, by=request.user, voice=relation.voice, **form.cleaned_data
        )
        messages.success(request, _("Goal proposed. The others will be asked to agree."))
        return redirect(goal)
    return render(
        request,
        "learners/goal_form.html",
        {"student": student, "form": form, "cancel_url": reverse("goal_list", args=[student.pk])},
    )


def _goal_for_page(request, pk: int) -> tuple[Goal, Relation]:
    """The goal as its page shows it, and how this person stands to its student; or 404."""
    i_agreed = GoalAgreement.objects.filter(goal=OuterRef("pk"), user=request.user)
    found = goal_seen_by(
        request.user,
        Goal.objects.with_agreement()
        .annotate(i_agreed=Exists(i_agreed))
        .select_related("student__school", "student__classroom", "learning_area", "proposed_by"),
        pk,
    )
    if found is None:
        raise Http404
    return found


def _thread_context(goal, relation, form=None) -> dict:
    comments = (
        comments_on_goal_seen_by(goal, relation)
        .select_related("author", "hidden_by")
        .order_by("created_at", "pk")
    )
    return {
        "goal": goal,
        "relation": relation,
        "comments": comments,
        "comment_form": form or CommentForm(),
    }


@require_safe
@login_required
def goal_detail(request, pk: int):
    goal, relation = _goal_for_page(request, pk)
    audit.viewed(request, student=goal.student, obj=goal)
    return _goal_page(request, goal, relation)


def _goal_page(request, goal, relation, *, comment_form=None, evidence_form=None, status=200):
    """The goal page; after a bad post, with the bound form so nothing typed is lost."""
    return render(
        request,
        "learners/goal_detail.html",
        {
            **_thread_context(goal, relation, comment_form),
            "student": goal.student,
            "dispositions": goal.dispositions.all(),
            "steps": _steps_to_tick(goal.next_steps.prefetch_related("activities"), relation),
            **evidence_context(request, goal, relation),
            "can_edit": relation.can_manage or goal.proposed_by_id == request.user.pk,
            "step_form": NextStepForm() if relation.can_manage else None,
            "evidence_form": evidence_form or EvidenceForm(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request, pk: int):
    goal = get_object_or_404(goals_editable_by(request.user).select_related("student"), pk=pk)
    relation = relation_to(request.user, goal.student)
    form = GoalForm(
        request.POST or None,
        instance=goal,
        school_id=goal.student.school_id,
        can_set_status=relation.can_manage,
    )
    if request.method == "POST" and form.is_valid():
        services.goal_update(goal=goal, by=request.user, voice=relation.voice, **form.cleaned_data)
        messages.success(request, _("Goal saved."))
        return redirect(goal)
    return render(
        request,
        "learners/goal_form.html",
        {
            "student": goal.student,
            "goal": goal,
            "form": form,
            "cancel_url": goal.get_absolute_url(),
        },
    )


@login_required
@require_POST
def goal_agree(request, pk: int):
    goal = get_object_or_404(goals_visible_to(request.user).select_related("student"), pk=pk)
    relation = relation_to(request.user, goal.student)
    services.goal_agree(goal=goal, by=request.user, voice=relation.voice)
    messages.success(request, _("Thank you: you have agreed to this goal."))
    return redirect(goal)


@require_safe
@login_required
def goal_history(request, pk: int):
    """Who changed what on a goal, and when: proposals, edits, agreements, steps, evidence."""
    goal = get_object_or_404(goals_visible_to(request.user).select_related("student"), pk=pk)
    audit.viewed(request, student=goal.student, obj=goal, what=_("History"))
    events = (
        AuditEvent.objects.filter(object_type="learners.goal", object_id=goal.pk)
        .changes()
        .select_related("actor")
    )
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    # Why a comment was hidden (``staff_note``) is for the student's teachers and leaders only.
    staff = relation_to(request.user, goal.student).can_manage
    return render(
        request, "learners/goal_history.html", {"goal": goal, "page": page, "staff": staff}
    )


# Next steps and home-learning activities ------------------------------------


@login_required
@require_POST
@once_per_form
def next_step_create(request, pk: int):
    goal = get_object_or_404(goals_managed_by(request.user).select_related("student"), pk=pk)
    form = NextStepForm(request.POST)
    if form.is_valid():
        services.next_step_create(goal=goal, by=request.user, **form.cleaned_data)
        messages.success(request, _("Next step added."))
    else:
        messages.error(request, _("The next step needs a few words saying what it is."))
    return redirect(goal.get_absolute_url("next-steps"))


@login_required
@require_http_methods(["GET", "POST"])
def next_step_edit(request, pk: int):
    step = get_object_or_404(
        next_steps_managed_by(request.user).select_related("goal__student"), pk=pk
    )
    form = NextStepForm(request.POST or None, instance=step)
    activity_form = HomeActivityForm(request.POST or None, prefix="activity")
    if request.method == "POST":
        if request.POST.get("form") == "activity":
            if activity_form.is_valid():
                services.home_activity_create(
                    step=step, by=request.user, **activity_form.cleaned_data
                )
                messages.success(request, _("Home-learning activity added."))
                return redirect(step)
            form = NextStepForm(instance=step)
        elif form.is_valid():
            services.next_step_update(step=step, by=request.user, **form.cleaned_data)
            messages.success(request, _("Next step saved."))
            return redirect(step)
        else:
            activity_form = HomeActivityForm(prefix="activity")
    return render(
        request,
        "learners/next_step_form.html",
        {"step": step, "goal": step.goal, "form": form, "activity_form": activity_form},
    )


def _steps_to_tick(steps, relation) -> list:
    """The goal's steps, each knowing whether this person may tick it (``can_tick``)."""
    steps = list(steps)
    for step in steps:
        step.can_tick = services.next_step_can_tick(step=step, relation=relation)
    return steps


@login_required
@require_POST
def next_step_done(request, pk: int):
    """Tick a step done (or not). Students tick their own, whānau the steps taken at home:
    they are their steps as well. A step not theirs is refused with a message, unchanged."""
    step = get_object_or_404(
        next_steps_visible_to(request.user).select_related("goal__student"), pk=pk
    )
    relation = relation_to(request.user, step.goal.student)
    refused = ""
    try:
        services.next_step_set_done(
            step=step, done=request.POST.get("done") == "1", by=request.user, relation=relation
        )
    except services.NextStepNotYoursError as error:
        refused = str(error)
    if request.htmx:
        (step,) = _steps_to_tick([step], relation)
        return render(
            request,
            "learners/goal_detail.html#step",
            {"step": step, "goal": step.goal, "relation": relation, "refused": refused},
        )
    if refused:
        messages.error(request, refused)
    return redirect(step)


@login_required
@require_POST
def next_step_move(request, pk: int):
    step = get_object_or_404(next_steps_managed_by(request.user), pk=pk)
    services.next_step_move(step=step, up=request.POST.get("direction") == "up")
    return redirect(step)


# Evidence ---------------------------------------------------------------------


@login_required
@require_POST
@once_per_form
def evidence_add(request, pk: int):
    goal, relation = _goal_for_page(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        # Shown again with the errors, and the note as typed.
        return _goal_page(request, goal, relation, evidence_form=form, status=400)
    evidence = services.evidence_add(
        goal=goal,
        by=request.user,
        voice=relation.voice,
        note=form.cleaned_data["note"],
        upload=form.cleaned_data["file"],
        shows_others=form.cleaned_data["shows_others"],
    )
    if not evidence.shows_others:
        messages.success(request, _("Evidence added."))
    elif relation.can_manage:
        messages.success(
            request,
            _(
                "Evidence added, and held from whānau: check no child whose whānau chose "
                "“only our own whānau” is shown, then confirm it may be shared."
            ),
        )
    else:
        messages.success(
            request,
            _(
                "Thank you. It shows other children, so a kaiako will check it may be shared "
                "before it appears here."
            ),
        )
    return redirect(goal.get_absolute_url("evidence"))


# Comments ---------------------------------------------------------------------


@login_required
@require_POST
@once_per_form
def comment_post(request, pk: int):
    """Post to a goal's conversation: in place with htmx, or a plain form post without it."""
    goal, relation = _goal_for_page(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_post(
            goal=goal, by=request.user, voice=relation.voice, body=form.cleaned_data["body"]
        )
        submissions.succeeded(request)
        form = None
    next_url = request.POST.get("next", "")
    from_inbox = next_url == reverse("inbox")
    if request.htmx:
        if from_inbox and form is None:
            return render(request, "learners/inbox.html#answered", {"goal": goal})
        return render(
            request,
            "learners/goal_detail.html#comments",
            _thread_context(goal, relation, form),
        )
    if form is not None and not from_inbox:
        return _goal_page(request, goal, relation, comment_form=form, status=400)
    if form is not None:
        messages.error(request, " ".join(form.errors.get("body", [])))
    elif from_inbox:
        messages.success(request, _("Your answer is posted."))
    # A path on this site only: "0" or a view's name would be looked up as a URL name.
    if next_url.startswith("/") and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect(goal.get_absolute_url("comments"))


def _own_comment(request, pk: int) -> GoalComment:
    return get_object_or_404(
        comments_visible_to(request.user).select_related("goal__student"),
        pk=pk,
        author=request.user,
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, pk: int):
    comment = _own_comment(request, pk)
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(comment=comment, by=request.user, body=form.cleaned_data["body"])
        except services.CommentLockedError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Comment changed."))
            return redirect(comment)
    return render(request, "learners/comment_form.html", {"comment": comment, "form": form})


@login_required
@require_POST
def comment_delete(request, pk: int):
    comment = _own_comment(request, pk)
    goal_id = comment.goal_id
    services.comment_delete(comment=comment, by=request.user)
    messages.success(request, _("Comment deleted."))
    return redirect(goal_url(goal_id, "comments"))


@login_required
@require_POST
def comment_hide(request, pk: int):
    comment = get_object_or_404(
        comments_hideable_by(request.user).select_related("goal__student"), pk=pk
    )
    form = HideCommentForm(request.POST)
    if form.is_valid():
        services.comment_hide(comment=comment, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The comment is hidden from whānau and the student."))
    else:
        messages.error(request, _("Please give a reason for hiding the comment."))
    return redirect(comment)
