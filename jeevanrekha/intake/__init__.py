"""Intake: every alert is stored verbatim (RawAlert) before it is parsed into an Alert."""
