"""The dispatch API's URLs (mounted under /api/dispatch/v1/ by config/urls.py)."""

from django.urls import path

from jeevanrekha.dispatch.api import api

urlpatterns = [path("", api.urls)]
