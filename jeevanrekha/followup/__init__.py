"""Follow-up after a rescue: the counselling referral and the schedule of checks (issue #8)."""
