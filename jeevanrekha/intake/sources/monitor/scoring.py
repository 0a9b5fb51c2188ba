"""The risk engine (jeevanrekha.risk) as the watch's `Scorer`."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from jeevanrekha.intake.sources.monitor.watch import RiskView


@lru_cache(maxsize=1)
def _model() -> Any:
    from jeevanrekha.risk.model import RiskModel

    return RiskModel.load()


def risk_scorer(texts: Sequence[str]) -> list[RiskView]:
    """Score a batch of posts with the deployment's trained risk model."""
    model = _model()
    version = str(getattr(model, "version", "") or "jeevanrekha-risk")
    return [
        RiskView(
            level=int(p.level),
            score=float(p.score),
            imminent=bool(p.imminent),
            lang=str(p.lang),
            cues=[
                {"start": c.start, "end": c.end, "kind": c.kind, "effect": c.effect} for c in p.cues
            ],
            model=version,
        )
        for p in model.predict(list(texts), with_cues=True)
    ]
