"""django-allauth's hooks: no open sign-up; accounts come from invitations."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Leaders invite staff; teachers and leaders invite whānau.
        return False
