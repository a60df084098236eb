"""``accord eval locomo ... --chart OUT.png|OUT.html``: recall by question category and k.

One panel per mode; in each, a group of bars per category (and overall), one bar per k. A PNG is
written by matplotlib (the ``accord[charts]`` extra); an HTML file is a self-contained page with
the same picture inlined and the numbers as a table, so it opens anywhere without a network.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import Any

from accord.errors import InvalidInputError, ProviderError
from accord.evals._report import LocomoReport

__all__ = ["write_chart"]

_INSTALL_HINT = "pip install 'accord[charts]' (matplotlib)"


def _figure(report: LocomoReport) -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only: never open a window or need a display
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ProviderError(f"charts need matplotlib: {_INSTALL_HINT}") from e
    runs = report.runs
    fig, axes = plt.subplots(1, len(runs), figsize=(5.5 * len(runs), 4.2), squeeze=False, sharey=True)
    width = 0.8 / max(1, len(report.ks))
    for ax, run in zip(axes[0], runs, strict=True):
        groups = [*run.categories, run.overall]
        for i, k in enumerate(report.ks):
            xs = [g + (i - (len(report.ks) - 1) / 2) * width for g in range(len(groups))]
            ax.bar(xs, [c.recall[k] for c in groups], width=width, label=f"R@{k}")
        ax.set_xticks(range(len(groups)))
        ax.set_xticklabels([f"{c.name}\n({c.questions})" for c in groups], fontsize=8)
        ax.set_ylim(0, 1)
        kind, _, model = run.embedder.partition(":")
        label = f"{kind}:{Path(model).name}" if model.startswith(("/", "~", ".")) else run.embedder
        ax.set_title(f"{run.mode} ({label})", fontsize=10)
        ax.grid(axis="y", alpha=0.3)
    axes[0][0].set_ylabel("recall of evidence turns")
    axes[0][-1].legend(loc="upper right", fontsize=8)
    fig.suptitle(f"LoCoMo retrieval: {report.dataset} ({report.questions} questions)", fontsize=11)
    fig.tight_layout()
    return fig


def _png(report: LocomoReport) -> bytes:
    import matplotlib.pyplot as plt

    fig = _figure(report)
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", dpi=110)
    finally:
        plt.close(fig)
    return buf.getvalue()


def _html(report: LocomoReport, png: bytes) -> str:
    head = "".join(f"<th>{m}</th>" for m in (r.mode for r in report.runs))
    rows = []
    for g, first in enumerate([*report.runs[0].categories, report.runs[0].overall]):
        for k in report.ks:
            cells = "".join(f"<td>{[*r.categories, r.overall][g].recall[k]:.3f}</td>" for r in report.runs)
            rows.append(f"<tr><td>{html.escape(first.name)}</td><td>R@{k}</td>{cells}</tr>")
    title = html.escape(f"LoCoMo retrieval: {report.dataset}")
    image = base64.b64encode(png).decode("ascii")
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 10px;text-align:right}"
        "td:first-child{text-align:left}</style></head><body>"
        f"<h1>{title}</h1><img alt='recall by category and k' src='data:image/png;base64,{image}'>"
        f"<table><thead><tr><th>questions</th><th>metric</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        "</body></html>"
    )


def write_chart(report: LocomoReport, out: Path) -> Path:
    """Write the chart to ``out``: ``.png`` or ``.html`` (by its suffix).

    Raises:
        InvalidInputError: Another suffix (``field == "chart"``), or a report with no runs.
        ProviderError: matplotlib is not installed.
    """
    suffix = out.suffix.lower()
    if suffix not in (".png", ".html", ".htm"):
        raise InvalidInputError("chart", f"writes .png or .html, not {out.name!r}")
    if not report.runs:
        raise InvalidInputError("chart", "the report has no runs to draw")
    png = _png(report)
    if suffix == ".png":
        out.write_bytes(png)
    else:
        out.write_text(_html(report, png), encoding="utf-8")
    return out
