"""URL map: the intake API under /api/v1/, the desk pages, the Django admin."""

from django.contrib import admin
from django.urls import include, path

from jeevanrekha.intake.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("api/dispatch/v1/", include("jeevanrekha.dispatch.urls")),
    path("", include("jeevanrekha.accounts.urls")),  # sign-in, TOTP enrolment, sign-out
    path("admin/", admin.site.urls),
    path("followup/", include("jeevanrekha.followup.urls")),
    path("reports/", include("jeevanrekha.reports.urls")),
    path("", include("jeevanrekha.web.urls")),
]
