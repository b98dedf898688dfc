"""A published report as a family keeps it: the print view, the PDF, and earlier versions."""

from django.http import Http404


def report_print(request, pk: int):
    raise Http404


def report_pdf(request, pk: int):
    raise Http404


def report_version(request, pk: int, number: int):
    raise Http404
