from django.apps import AppConfig


class SimConfig(AppConfig):
    """The simulator: scenario, study and simulated agencies (no models)."""

    name = "jeevanrekha.sim"
    label = "sim"
    verbose_name = "Simulator"
