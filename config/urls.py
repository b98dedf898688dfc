"""The project's URLs: each app's pages, sign-in (allauth), the admin and the language switch."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Mahi Tahi administration")
admin.site.site_title = _("Mahi Tahi")

urlpatterns = [
    path("", include("partnerships.urls")),
    path("", include("learners.urls")),
    path("", include("conversations.urls")),
    path("", include("conversations.weekly.urls")),
    path("", include("reports.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
