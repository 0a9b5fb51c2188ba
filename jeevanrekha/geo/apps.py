from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "jeevanrekha.geo"
    label = "geo"
    verbose_name = "Locate"
