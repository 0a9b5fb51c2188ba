from django.contrib.auth import views as auth_views
from django.urls import path

from jeevanrekha.web import entry, ops, views

urlpatterns = [
    path("", views.desk, name="desk"),
    path("desk/queue/", views.desk_queue, name="desk-queue"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/review/confirm", entry.review_confirm, name="review-confirm"),
    path("cases/<int:case_id>/review/dismiss", entry.review_dismiss, name="review-dismiss"),
    path("phone-in/", entry.phone_in, name="phone-in"),
    path("quarantine/", entry.quarantine_list, name="quarantine"),
    path("quarantine/<int:raw_id>/", entry.quarantine_detail, name="quarantine-detail"),
    path("quarantine/<int:raw_id>/reparse", entry.quarantine_reparse, name="quarantine-reparse"),
    path("quarantine/<int:raw_id>/by-hand", entry.quarantine_by_hand, name="quarantine-by-hand"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", ops.readyz, name="readyz"),
    path("metrics", ops.metrics, name="metrics"),
]
