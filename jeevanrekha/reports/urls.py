"""Report pages and exports."""

from django.urls import URLPattern, path

from jeevanrekha.reports import views

urlpatterns: list[URLPattern] = [
    path("", views.index, name="reports"),
    path("export.csv", views.export_csv, name="reports-csv"),
    path("export.pdf", views.export_pdf, name="reports-pdf"),
]
