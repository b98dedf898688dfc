"""The inquiry page of a priority learner: the cycle stage by stage, and a step to add."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from learners import inquiry
from learners.access import inquiry_steps_visible_to
from learners.models import InquiryStep, NextStep
from partnerships import audit
from partnerships.access import relation_to, students_visible_to
from partnerships.models import Student
from partnerships.submissions import once_per_form


class InquiryStepForm(forms.Form):
    stage = forms.ChoiceField(label=gettext_lazy("Stage"), choices=InquiryStep.Stage.choices)
    text = forms.CharField(
        label=gettext_lazy("What we know, did or saw"),
        max_length=inquiry.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": gettext_lazy("Write a few words for this step."),
            "max_length": gettext_lazy(
                "Please keep a step under %(limit_value)d characters (it has %(show_value)d)."
            ),
        },
    )
    where = forms.ChoiceField(
        label=gettext_lazy("Where"),
        choices=[("", "—"), *NextStep.Where.choices],
        required=False,
        help_text=gettext_lazy("For deliberate actions: at school, at home or both."),
    )
    shared = forms.BooleanField(
        label=gettext_lazy("Share with whānau"),
        required=False,
        help_text=gettext_lazy("Whānau then see this stage, and can add to it."),
    )

    def __init__(
        self, *args, stages: list, starting: bool = False, for_whanau: bool = False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(stage.value, stage.label) for stage in stages]
        if starting:  # an inquiry starts with why: the page's heading asks it
            self.fields["stage"].initial = InquiryStep.Stage.IDENTIFY
            self.fields["stage"].widget = forms.HiddenInput()
        if for_whanau:
            del self.fields["shared"]  # theirs is always shared


def _form(request, *, relation, steps, starting: bool) -> InquiryStepForm:
    """Staff write any stage; whānau add to the stages shared with them (all they can see)."""
    data = request.POST if request.method == "POST" else None
    if starting:
        return InquiryStepForm(data, stages=[InquiryStep.Stage.IDENTIFY], starting=True)
    if relation.can_manage:
        return InquiryStepForm(data, stages=inquiry.STAGES)
    shared = {step.stage for step in steps}
    stages = [stage for stage in inquiry.STAGES if stage in shared]
    return InquiryStepForm(data, stages=stages, for_whanau=True)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@once_per_form
def inquiry_detail(request, student_id: int):
    student = get_object_or_404(
        students_visible_to(request.user).select_related("classroom", "school"), pk=student_id
    )
    relation = relation_to(request.user, student)
    steps = list(
        inquiry_steps_visible_to(request.user)
        .filter(student=student)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    if not (relation.can_manage or steps):
        raise Http404  # the student, and whānau with nothing shared: no inquiry to show
    starting = relation.can_manage and not steps and not student.is_priority_learner
    form = _form(request, relation=relation, steps=steps, starting=starting)
    if request.method == "POST":
        if form.is_valid():
            try:
                step = inquiry.inquiry_step_add(
                    actor=request.user,
                    student=student,
                    stage=form.cleaned_data["stage"],
                    text=form.cleaned_data["text"],
                    where=form.cleaned_data["where"],
                    shared=form.cleaned_data.get("shared", False),
                )
            except ValidationError as error:
                form.add_error(None, error)
            except PermissionDenied as error:
                raise Http404 from error
            else:
                messages.success(request, _("Added to the inquiry."))
                url = reverse("inquiry_detail", args=[student.pk])
                return redirect(f"{url}#stage-{step.stage}")
    else:
        audit.viewed(request, student=student, what=_("The inquiry"))
    return render(
        request,
        "learners/inquiry_detail.html",
        {
            "student": student,
            "relation": relation,
            "stages": [
                {"stage": stage, "steps": [step for step in steps if step.stage == stage]}
                for stage in inquiry.STAGES
            ],
            "last_step": steps[-1] if steps else None,
            "profile": [
                (capfirst(Student._meta.get_field(name).verbose_name), getattr(student, name))
                for name in Student.PROFILE_FIELDS
            ],
            "starting": starting,
            "form": form,
        },
    )
