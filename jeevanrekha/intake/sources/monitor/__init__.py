"""The centre's own watch over public posts (`jeevanrekha monitor`).

Every post of the stream is scored by the risk model; only posts at or above the review
level become alerts (channel `monitor`), carrying the model's view (level, score, cues),
and their cases wait for a person to confirm them (`Case.needs_review`).
"""
