"""Cases: one rescue operation each, its subject, tasks and outcome."""
