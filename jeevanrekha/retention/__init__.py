"""Retention: personal data of closed cases is anonymised after set periods; statistics stay.

See docs/retention.md.
"""
