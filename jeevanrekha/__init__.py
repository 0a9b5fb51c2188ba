"""Jeevan Rekha: software for a police social-media centre's suicide-prevention desk."""

__version__ = "0.1.0"
