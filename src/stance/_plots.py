"""Figures for reports: confusion matrices and reliability diagrams (matplotlib, no screen)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._atomic import atomic_write


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def confusion_png(gold: Sequence[str], pred: Sequence[str], path: str | Path, title: str, max_labels: int = 25) -> Path:
    """Draw the confusion matrix of one field (the most frequent gold labels) to a PNG file."""
    from collections import Counter

    from sklearn.metrics import confusion_matrix

    plt = _pyplot()
    labels = [label for label, _ in Counter(gold).most_common(max_labels)]
    for label in sorted(set(pred)):
        if label not in labels and len(labels) < max_labels:
            labels.append(label)
    matrix = confusion_matrix(gold, pred, labels=labels)
    size = max(5.0, 0.45 * len(labels) + 2)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=90)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title)
    for i in range(len(labels)):
        for j in range(len(labels)):
            if matrix[i, j]:
                ax.text(
                    j,
                    i,
                    str(matrix[i, j]),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if matrix[i, j] > matrix.max() / 2 else "black",
                )
    fig.tight_layout()
    return _save(fig, plt, path)


def reliability_png(bins: Sequence[dict[str, Any]], path: str | Path, title: str) -> Path:
    """Draw a reliability diagram (accuracy against confidence per bin) to a PNG file."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    ax.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins], marker="o", label="model")
    ax.set_xlabel("confidence (probability of the predicted stance)")
    ax.set_ylabel("accuracy")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    return _save(fig, plt, path)


def _save(fig: Any, plt: Any, path: str | Path) -> Path:
    path = Path(path)
    with atomic_write(path, "wb") as handle:
        fig.savefig(handle, format="png", dpi=110)
    plt.close(fig)
    return path


def position_map_png(positions: Sequence[Any], path: str | Path, title: str = "who stands where") -> Path:
    """Draw positions as an actor × target heat map: net stance (favor − against) / count."""
    import numpy as np

    plt = _pyplot()
    actors = sorted(
        {p.actor for p in positions}, key=lambda a: -sum(sum(q.counts.values()) for q in positions if q.actor == a)
    )
    targets = sorted({p.target for p in positions})
    grid = np.full((len(actors), len(targets)), np.nan)
    for p in positions:
        total = sum(p.counts.values())
        grid[actors.index(p.actor), targets.index(p.target)] = (p.counts["favor"] - p.counts["against"]) / max(total, 1)
    fig, ax = plt.subplots(figsize=(1.0 + 0.9 * max(len(targets), 2), 1.0 + 0.4 * max(len(actors), 2)))
    image = ax.imshow(grid, cmap="RdBu", vmin=-1, vmax=1, aspect="auto")
    ax.set_xticks(range(len(targets)), targets, rotation=45, ha="right")
    ax.set_yticks(range(len(actors)), actors)
    for p in positions:
        ax.text(targets.index(p.target), actors.index(p.actor), p.stance[:3], ha="center", va="center", fontsize=7)
    fig.colorbar(image, ax=ax, label="net stance: favor (+1) … against (−1)")
    ax.set_title(title)
    fig.tight_layout()
    return _save(fig, plt, path)
