"""The year pages' URLs."""

urlpatterns: list = []
