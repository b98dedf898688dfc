"""URLs: export_urls."""

urlpatterns: list = []
