"""Locate: from scattered evidence to state, district and police station (issue #4)."""
