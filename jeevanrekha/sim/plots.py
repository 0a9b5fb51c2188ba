"""The study's two plots (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jeevanrekha.sim.study import AUTOMATED, MANUAL

COLOURS = {MANUAL: "#b45309", AUTOMATED: "#1d4ed8"}
LABELS = {MANUAL: "today's manual desk", AUTOMATED: "automated flow"}


def write_plots(doc: dict[str, Any], out_dir: Path, stem: str = "study") -> list[Path]:
    """alert → on-scene CDF for both arms, and outcomes side by side; the files written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{stem}_on_scene.png", out_dir / f"{stem}_outcomes.png"]
    fig, ax = plt.subplots(figsize=(7, 4))
    for arm in (MANUAL, AUTOMATED):
        xs = sorted(doc["on_scene_min"][arm])
        n = doc["arms"][arm]["alerts"] or 1
        ax.step(
            xs,
            [(i + 1) / n for i in range(len(xs))],
            where="post",
            color=COLOURS[arm],
            label=f"{LABELS[arm]} (median {doc['arms'][arm]['on_scene_median_min']} min)",
        )
    for cut in (10, 15, 30):
        ax.axvline(cut, color="#9ca3af", linewidth=0.8, linestyle=":")
    ax.set_xlim(0, 60)
    ax.set_xlabel("alert → police on scene (minutes)")
    ax.set_ylabel("share of all alerts")
    ax.set_title(f"Simulated {doc['days']:g} days, seed {doc['seed']}, {n} alerts")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(paths[0], dpi=110)
    plt.close(fig)
    _outcomes(plt, doc, paths[1])
    return paths


def _outcomes(plt: Any, doc: dict[str, Any], path: Path) -> None:
    reasons = sorted({r for arm in (MANUAL, AUTOMATED) for r in doc["arms"][arm]["lost_by_reason"]})
    rows = ["saved", "forwarded", *(f"lost: {r}" for r in reasons)]
    fig, ax = plt.subplots(figsize=(7, 4))
    width = 0.4
    for k, arm in enumerate((MANUAL, AUTOMATED)):
        figs = doc["arms"][arm]
        values = [
            figs["saved"],
            figs["forwarded"],
            *(figs["lost_by_reason"].get(r, 0) for r in reasons),
        ]
        ax.barh(
            [i + k * width for i in range(len(rows))],
            values,
            height=width,
            color=COLOURS[arm],
            label=LABELS[arm],
        )
    ax.set_yticks([i + width / 2 for i in range(len(rows))], rows)
    ax.invert_yaxis()
    ax.set_xlabel("alerts")
    ax.set_title("Simulated outcomes, same alerts in both arms")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
