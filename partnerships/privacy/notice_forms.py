"""The leaders' privacy settings: the notice's words, the privacy officer, how long records
are kept. A plain form: the policy changes only through ``privacy_policy_update``."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from partnerships.models import PrivacyPolicy, Staff
from partnerships.privacy.policy import NOTICE_MAX, PERIODS, YEARS_MAX, YEARS_MIN

EVERY_LEADER = ""


def _years_field(name: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=capfirst(PrivacyPolicy._meta.get_field(name).verbose_name),
        min_value=YEARS_MIN,
        max_value=YEARS_MAX,
        error_messages={
            "required": _("Give a number of years from 1 to 50."),
            "invalid": _("Give a whole number of years, from 1 to 50."),
            "min_value": _("Keep it for at least 1 year."),
            "max_value": _("Keep it for at most 50 years."),
        },
        widget=forms.NumberInput(attrs={"class": "form-control w-auto", "inputmode": "numeric"}),
    )


class PrivacySettingsForm(forms.Form):
    notice = forms.CharField(
        label=_("The school’s privacy notice"),
        help_text=_(
            "Shown to whānau at their first sign-in and linked from every page and email. "
            "Plain text: leave a blank line between paragraphs."
        ),
        required=False,
        max_length=NOTICE_MAX,
        widget=forms.Textarea(attrs={"rows": 16}),
        error_messages={
            "max_length": _("Keep the notice under %(limit_value)s characters."),
        },
    )
    # Offered once the school has its own words.
    use_default = forms.BooleanField(
        label=_("Restore the default notice"),
        help_text=_("The words above are set aside, and Mahi Tahi’s notice is shown again."),
        required=False,
    )
    officer = forms.ChoiceField(
        label=_("Privacy officer"),
        help_text=_("The leader who answers privacy requests."),
        required=False,
    )
    records_years = _years_field("records_years")
    evidence_years = _years_field("evidence_years")
    audit_years = _years_field("audit_years")

    def __init__(
        self, *args, policy: PrivacyPolicy, leaders: list[Staff], shown_notice: str, **kwargs
    ):
        self.default_notice = not policy.notice.strip()
        # What the leader sees in the box: the school's words, or the template as it reads now.
        self.shown_notice = shown_notice
        kwargs.setdefault(
            "initial",
            {
                "notice": shown_notice,
                "officer": str(policy.officer_id or EVERY_LEADER),
                **{name: getattr(policy, name) for name in PERIODS},
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = [(EVERY_LEADER, _("Every leader"))] + [
            (str(staff.pk), staff.user.name or staff.user.email) for staff in leaders
        ]

    def clean_notice(self) -> str:
        return self.cleaned_data["notice"].replace("\r\n", "\n").strip()

    def policy_data(self) -> dict:
        """The plain data for ``privacy_policy_update``. The template's words sent back as
        they were shown are the template still: it keeps following the school's changes."""
        data = self.cleaned_data
        notice = data["notice"]
        if data["use_default"] or (self.default_notice and notice == self.shown_notice.strip()):
            notice = ""
        officer = data["officer"]
        return {
            "notice": notice,
            "officer": int(officer) if officer else None,
            **{name: data[name] for name in PERIODS},
        }
