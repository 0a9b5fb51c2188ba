"""Sign-in URLs (mounted at the site root by config/urls.py)."""

from django.urls import path

from jeevanrekha.accounts import views

urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("login/code/", views.sign_in_code, name="login-code"),
    path("login/enrol/", views.sign_in_enrol, name="login-enrol"),
    path("logout/", views.sign_out, name="logout"),
]
