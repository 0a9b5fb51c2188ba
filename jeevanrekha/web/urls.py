from django.contrib.auth import views as auth_views
from django.urls import path

from jeevanrekha.web import dispatch_views as dv
from jeevanrekha.web import entry, ops, views

CASE = "cases/<int:case_id>/"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("desk/queue/", views.desk_queue, name="desk-queue"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/review/confirm", entry.review_confirm, name="review-confirm"),
    path("cases/<int:case_id>/review/dismiss", entry.review_dismiss, name="review-dismiss"),
    path(f"{CASE}dispatch/confirm", dv.confirm_dispatch, name="dispatch-confirm"),
    path(f"{CASE}dispatch/station", dv.alert_station, name="dispatch-station"),
    path(f"{CASE}dispatch/vehicle", dv.send_vehicle, name="dispatch-vehicle"),
    path(f"{CASE}dispatch/trace", dv.request_trace, name="dispatch-trace"),
    path(f"{CASE}dispatch/forward", dv.forward, name="dispatch-forward"),
    path(f"{CASE}dispatch/counsellor", dv.refer_counsellor, name="dispatch-counsellor"),
    path("tasks/<int:task_id>/report", dv.report_task, name="dispatch-task-report"),
    path("tasks/<int:task_id>/fix", dv.trace_fix, name="dispatch-task-fix"),
    path("t/<str:token>", dv.one_tap, name="one-tap"),
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
