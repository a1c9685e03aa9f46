"""Views of this part of the livelihood projects."""

urlpatterns: list = []
