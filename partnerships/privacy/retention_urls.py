"""URLs: retention_urls."""

urlpatterns: list = []
