"""Follow-up pages (the counsellor's checks, the supervisor's adherence)."""

from django.urls import URLPattern, path

from jeevanrekha.followup import views

urlpatterns: list[URLPattern] = [
    path("", views.follow_up_list, name="followup-list"),
    path("checks/<int:check_id>/record", views.record_check, name="followup-record"),
    path("adherence/", views.adherence_page, name="followup-adherence"),
]
