"""The load benchmark's URLconf (``manage.py benchmark_pages``): the app's own URLs, and the floor.

The floor is what any page of the app costs before it does anything of its own: a signed-in
request through every middleware, rendered in the site's layout with nothing in it. Each page's
figures are read against it. It is served only here, never by the app's own URLconf.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from config.urls import urlpatterns as app_urlpatterns
from reports.bench.serve import FLOOR_PATH


@require_safe
@login_required
def floor(request):
    return render(request, "bench/floor.html")


urlpatterns = [path(FLOOR_PATH.strip("/") + "/", floor, name="bench_floor"), *app_urlpatterns]
