"""Risk: how likely a post is to be about self-harm, how soon, and why (issue #3)."""
