from django.http import Http404


def report_round_list(request):
    raise Http404


def report_round_detail(request, pk):
    raise Http404


def report_class_publish(request, pk, class_pk):
    raise Http404


def publish_run_detail(request, pk):
    raise Http404
