from django import template

from partnerships.submissions import token_field

register = template.Library()


@register.simple_tag
def submission_token() -> str:
    """Inside a create form: a one-time token, so a second post of it creates nothing."""
    return token_field()
