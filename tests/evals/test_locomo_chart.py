"""``accord eval locomo ... --chart``: a PNG or a self-contained HTML page of recall by category and k."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from accord.evals import LocomoReport
from accord.evals.cli import main_eval

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def small_locomo(tmp_path: Path) -> Path:
    turns = [
        {"speaker": "Ann", "dia_id": "D1:1", "text": "I adopted a grey cat named Pixel."},
        {"speaker": "Ben", "dia_id": "D1:2", "text": "I am training for the Berlin marathon."},
        {"speaker": "Ann", "dia_id": "D1:3", "text": "My brother moved to Oslo for work."},
    ]
    record = {
        "sample_id": "conv-chart",
        "conversation": {"speaker_a": "Ann", "speaker_b": "Ben", "session_1_date_time": "1:56 pm on 8 May, 2023", "session_1": turns},
        "qa": [
            {"question": "What is the name of Ann's cat?", "answer": "Pixel", "evidence": ["D1:1"], "category": 4},
            {"question": "Which marathon is Ben training for?", "answer": "Berlin", "evidence": ["D1:2"], "category": 1},
        ],
    }
    path = tmp_path / "small.json"
    path.write_text(json.dumps([record]))
    return path


def test_png_and_html_charts(small_locomo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib", reason="charts need pip install 'accord[charts]'")
    png, page, report_file = tmp_path / "recall.png", tmp_path / "recall.html", tmp_path / "r.json"
    args = ["locomo", str(small_locomo), "--embedder", "none", "--modes", "lexical", "--quiet"]
    assert main_eval([*args, "--chart", str(png), "--json", str(report_file)]) == 0
    assert png.read_bytes().startswith(PNG_MAGIC) and png.stat().st_size > 5_000
    assert "chart written to" in capsys.readouterr().err

    assert main_eval([*args, "--chart", str(page)]) == 0
    text = page.read_text()
    assert "<img" in text and "data:image/png;base64," in text
    report = LocomoReport.model_validate_json(report_file.read_text())
    run = report.run("lexical")
    # The table under the picture holds the report's own numbers, one row per category and k.
    for k in report.ks:
        cell = re.search(rf"<td>{re.escape(run.overall.name)}</td><td>R@{k}</td><td>([0-9.]+)</td>", text)
        assert cell is not None and float(cell.group(1)) == pytest.approx(run.overall.recall[k], abs=5e-4)


def test_a_chart_of_another_kind_is_refused_before_the_run(small_locomo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main_eval(["locomo", str(small_locomo), "--embedder", "none", "--quiet", "--chart", str(tmp_path / "x.svg")])
    assert code == 1
    err = capsys.readouterr().err
    assert "chart" in err and "x.svg" in err and not (tmp_path / "x.svg").exists()
