"""Each person's home page: the panels every app offers for the roles they hold."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from partnerships.pages import HOME
from partnerships.roles import request_roles


@require_safe
def home(request):
    """Signed out: the welcome page. Signed in: a panel per role, from the apps that own them."""
    if not request.user.is_authenticated:
        return render(request, "partnerships/welcome.html")
    panels = HOME.render(request, request_roles(request))
    return render(request, "partnerships/home.html", {"panels": panels})
