"""URLs: notice_urls."""

urlpatterns: list = []
