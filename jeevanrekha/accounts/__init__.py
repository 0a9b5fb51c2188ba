"""Sign-in: password then a TOTP code, enrolment, idle sign-out, lock-out, audited views."""
