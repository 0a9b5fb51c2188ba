from django.urls import path
from django.views.i18n import set_language

from jeevanrekha.web import case_actions, entry, ops, requests_page, views
from jeevanrekha.web import dispatch_views as dv

CASE = "cases/<int:case_id>/"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("desk/queue/", views.desk_queue, name="desk-queue"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/review/confirm", entry.review_confirm, name="review-confirm"),
    path("cases/<int:case_id>/review/dismiss", entry.review_dismiss, name="review-dismiss"),
    path(f"{CASE}note", case_actions.add_note, name="case-note"),
    path(f"{CASE}outcome", case_actions.record_outcome, name="case-outcome"),
    path(f"{CASE}close", case_actions.close_case, name="case-close"),
    path(f"{CASE}dispatch/confirm", dv.confirm_dispatch, name="dispatch-confirm"),
    path(f"{CASE}dispatch/station", dv.alert_station, name="dispatch-station"),
    path(f"{CASE}dispatch/vehicle", dv.send_vehicle, name="dispatch-vehicle"),
    path(f"{CASE}dispatch/trace", dv.request_trace, name="dispatch-trace"),
    path(f"{CASE}dispatch/forward", dv.forward, name="dispatch-forward"),
    path(f"{CASE}dispatch/counsellor", dv.refer_counsellor, name="dispatch-counsellor"),
    path("tasks/", requests_page.my_requests, name="my-tasks"),
    path("tasks/<int:task_id>/report", dv.report_task, name="dispatch-task-report"),
    path("tasks/<int:task_id>/fix", dv.trace_fix, name="dispatch-task-fix"),
    path("t/<str:token>", dv.one_tap, name="one-tap"),
    path("review/", views.review_queue, name="review"),
    path("vehicles/", views.vehicles_board, name="vehicles"),
    path("geo/states.geojson", views.geo_states, name="geo-states"),
    path("geo/districts/<str:state>.geojson", views.geo_districts, name="geo-districts"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("phone-in/", entry.phone_in, name="phone-in"),
    path("quarantine/", entry.quarantine_list, name="quarantine"),
    path("quarantine/<int:raw_id>/", entry.quarantine_detail, name="quarantine-detail"),
    path("quarantine/<int:raw_id>/reparse", entry.quarantine_reparse, name="quarantine-reparse"),
    path("quarantine/<int:raw_id>/by-hand", entry.quarantine_by_hand, name="quarantine-by-hand"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", ops.readyz, name="readyz"),
    path("metrics", ops.metrics, name="metrics"),
]
