"""Follow-up after a rescue: the counselling referral and the schedule of checks (issue #8)."""

from django.apps import AppConfig


class FollowUpConfig(AppConfig):
    name = "jeevanrekha.followup"
    label = "followup"
    verbose_name = "Follow-up and counselling"

    def ready(self) -> None:
        # A typo in FOLLOWUP_CHECKS or FOLLOWUP_GRACE stops the desk at start-up, naming the
        # setting, instead of failing later when an operator records "saved".
        from jeevanrekha.followup import conf

        conf.checks()
        conf.grace()
