"""The pipeline stages (see jeevanrekha/bus/consumers.py): name → Stage."""

from __future__ import annotations

from jeevanrekha.bus.consumers import Stage


def stages() -> dict[str, Stage]:
    """Every stage this deployment runs (imported on use: each loads its own engine)."""
    from jeevanrekha.stages import dispatch, locate, risk

    return {"locate": locate.STAGE, "risk": risk.STAGE, "dispatch": dispatch.STAGE}
