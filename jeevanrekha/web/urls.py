from django.contrib.auth import views as auth_views
from django.urls import path

from jeevanrekha.web import views

urlpatterns = [
    path("", views.desk, name="desk"),
    path("desk/queue/", views.desk_queue, name="desk-queue"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
]
