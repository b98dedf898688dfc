"""URLs: consent for photos and recordings."""

urlpatterns: list = []
