"""The JSON alert posted to POST /api/v1/alerts (docs/alert-format.md)."""
