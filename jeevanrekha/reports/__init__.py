"""Reports: weekly and monthly figures, per district and state-wide (issue #8)."""
