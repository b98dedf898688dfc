"""URLs: request_urls."""

urlpatterns: list = []
