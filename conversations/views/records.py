"""Learning conversations: recording them, what was agreed in them, reflections, transitions due."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from conversations import services
from conversations.access import (
    conversations_managed_by,
    conversations_visible_to,
)
from conversations.forms import (
    ConversationForm,
    ReflectionForm,
)
from conversations.models import LearningConversation
from learners.access import goals_managed_by
from learners.forms import GoalForm, NextStepForm
from partnerships import audit
from partnerships.access import relation_to, students_managed_by, students_visible_to
from partnerships.roles import staff_only
from partnerships.submissions import once_per_form

PER_PAGE = 50

# Learning conversations -----------------------------------------------------------


@require_safe
@login_required
def conversation_list(request, pk: int):
    student = get_object_or_404(students_visible_to(request.user), pk=pk)
    relation = relation_to(request.user, student)
    conversations = student.conversations.prefetch_related("reflections")
    return render(
        request,
        "conversations/conversation_list.html",
        {"student": student, "conversations": conversations, "relation": relation},
    )


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form
def conversation_create(request, pk: int):
    student = get_object_or_404(students_managed_by(request.user), pk=pk)
    kind = request.GET.get("kind")
    initial = {"kind": kind} if kind in LearningConversation.Kind.values else {}
    form = ConversationForm(request.POST or None, student=student, initial=initial)
    if request.method == "POST" and form.is_valid():
        conversation = services.conversation_record(
            student=student, by=request.user, data=form.cleaned_data
        )
        messages.success(request, _("Conversation recorded."))
        return redirect(conversation)
    return render(
        request, "conversations/conversation_form.html", {"student": student, "form": form}
    )


@require_safe
@login_required
def conversation_detail(request, pk: int):
    """The shared summary; staff-only notes only for the student's teachers and leaders."""
    conversation = get_object_or_404(
        conversations_visible_to(request.user).select_related("student", "recorded_by"), pk=pk
    )
    relation = relation_to(request.user, conversation.student)
    audit.viewed(request, student=conversation.student, obj=conversation)
    return render(
        request,
        "conversations/conversation_detail.html",
        {
            "conversation": conversation,
            "student": conversation.student,
            "relation": relation,
            "whanau_attendees": conversation.whanau_attendees.all(),
            "staff_attendees": conversation.staff_attendees.all(),
            # Each linked goal has a form to add a step agreed here, drawn by the template
            # from this one (always empty: a refused step comes back as a message).
            "goals": conversation.goals.all(),
            "step_form": NextStepForm() if relation.can_manage else None,
            "next_steps": conversation.next_steps.all(),
            "reflections": conversation.reflections.select_related("author"),
            "reflection_form": ReflectionForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def conversation_edit(request, pk: int):
    conversation = get_object_or_404(
        conversations_managed_by(request.user).select_related("student"), pk=pk
    )
    form = ConversationForm(
        request.POST or None, instance=conversation, student=conversation.student
    )
    if request.method == "POST" and form.is_valid():
        services.conversation_update(
            conversation=conversation, by=request.user, data=form.cleaned_data
        )
        messages.success(request, _("Conversation saved."))
        return redirect(conversation)
    return render(
        request,
        "conversations/conversation_form.html",
        {"student": conversation.student, "conversation": conversation, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form
def conversation_goal_create(request, pk: int):
    """Set a new goal from a conversation: it stays linked, and the page returns to it."""
    conversation = get_object_or_404(
        conversations_managed_by(request.user).select_related("student"), pk=pk
    )
    student = conversation.student
    form = GoalForm(request.POST or None, school_id=student.school_id)
    if request.method == "POST" and form.is_valid():
        services.conversation_goal_create(
            conversation=conversation,
            by=request.user,
            voice=relation_to(request.user, student).voice,
            **form.cleaned_data,
        )
        messages.success(request, _("Goal proposed. The others will be asked to agree."))
        return redirect(conversation)
    return render(
        request,
        "learners/goal_form.html",
        {"student": student, "form": form, "cancel_url": conversation.get_absolute_url()},
    )


@login_required
@require_POST
@once_per_form
def conversation_step_create(request, pk: int, goal_pk: int):
    """Add a next step agreed in this conversation to one of the student's goals."""
    conversation = get_object_or_404(
        conversations_managed_by(request.user).select_related("student"), pk=pk
    )
    goal = get_object_or_404(
        goals_managed_by(request.user), pk=goal_pk, student_id=conversation.student_id
    )
    form = NextStepForm(request.POST)
    if form.is_valid():
        services.conversation_step_create(
            conversation=conversation, goal=goal, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("Next step added."))
    else:
        messages.error(request, _("The next step needs a few words saying what it is."))
    return redirect(conversation)


@login_required
@require_POST
@once_per_form
def reflection_add(request, pk: int):
    conversation = get_object_or_404(
        conversations_visible_to(request.user).select_related("student"), pk=pk
    )
    form = ReflectionForm(request.POST)
    if form.is_valid():
        relation = relation_to(request.user, conversation.student)
        services.reflection_add(
            conversation=conversation,
            by=request.user,
            voice=relation.voice,
            body=form.cleaned_data["body"],
        )
        messages.success(request, _("Thank you: your reflection is added."))
    else:
        messages.error(request, " ".join(form.errors.get("body", [])))
    return redirect(conversation)


@require_safe
@staff_only
def transitions(request):
    """Whose transition conversation is due or overdue, so nobody's is forgotten."""
    due = services.transitions_due(request.user)
    # Overdue piles up over a year of starts: a page of them at a time. What is due in the
    # next two weeks is a fortnight's starters, and shows in full.
    page = Paginator(due.overdue, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "conversations/transitions.html",
        {
            "page": page,
            "overdue": due.rows(page.object_list),
            "upcoming": due.rows(due.upcoming),
        },
    )
