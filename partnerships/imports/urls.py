"""The imports pages' URLs."""

urlpatterns: list = []
