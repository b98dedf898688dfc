"""The setup pages' URLs."""

urlpatterns: list = []
