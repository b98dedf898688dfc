"""What every page needs to know about the signed-in person: their roles, for the navigation."""

from django.utils.functional import SimpleLazyObject

from partnerships.roles import request_roles


def membership(request) -> dict:
    # Lazy: pages that never show the navigation (emails, errors) cost no query.
    return {"roles": SimpleLazyObject(lambda: request_roles(request))}
