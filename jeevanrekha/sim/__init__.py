"""Simulation: alert generators for the demo, load tests and response-time studies."""
