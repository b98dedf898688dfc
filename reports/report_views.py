from django.http import Http404


def report_detail(request, pk):
    raise Http404


report_edit = report_status = report_publish = report_reflection = report_detail
report_home_help = report_respond = report_detail


def student_reports(request, pk):
    raise Http404
