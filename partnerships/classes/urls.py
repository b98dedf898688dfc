"""The classes pages' URLs."""

urlpatterns: list = []
