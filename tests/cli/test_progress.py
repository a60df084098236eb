"""Long commands draw a rich bar on a terminal and print nothing extra when piped.

These start a real process, with stderr on a pseudo-terminal (what a user's shell gives it) or
on a pipe (what a script or CI gives it).
"""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

from accord.cli.progress import progress, shows_progress

BAR = "━"  # rich's bar glyph


def _mem0_dump(path: Path, n: int) -> Path:
    facts = [{"id": f"m-{i}", "memory": f"Likes dish number {i} with extra basil", "user_id": "zoe"} for i in range(n)]
    path.write_text(json.dumps({"results": facts}))
    return path


def _run(args: list[str], data_dir: Path, *, tty: bool) -> tuple[int, str, str]:
    env = {**os.environ, "ACCORD_EMBEDDER": "none", "ACCORD_DATA_DIR": str(data_dir), "TERM": "xterm-256color"}
    for var in ("TTY_COMPATIBLE", "TTY_INTERACTIVE", "NO_COLOR", "FORCE_COLOR", "COLUMNS"):
        env.pop(var, None)
    cmd = [sys.executable, "-m", "accord.cli.main", *args]
    if not tty:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=180)
        return proc.returncode, proc.stdout, proc.stderr
    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:  # read as it comes: a full pty buffer would stall the child
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=slave, env=env, text=True)
    os.close(slave)
    out, _ = proc.communicate(timeout=180)
    reader.join(timeout=10)
    os.close(master)
    return proc.returncode, out, b"".join(chunks).decode("utf-8", "replace")


def test_import_reindex_and_check_draw_a_bar_on_a_terminal_and_stay_quiet_when_piped(tmp_path: Path) -> None:
    dump = _mem0_dump(tmp_path / "mem0.json", 20)
    code, out, terminal = _run(["import", str(dump)], tmp_path / "a", tty=True)
    assert code == 0, terminal
    assert "importing" in terminal and BAR in terminal and "/20" in terminal
    assert "added 20" in out and BAR not in out  # the bar never reaches stdout

    code, out, piped = _run(["import", str(dump)], tmp_path / "b", tty=False)
    assert code == 0, piped
    assert "added 20" in out and piped == ""

    code, out, terminal = _run(["reindex"], tmp_path / "a", tty=True)
    assert code == 0 and "re-indexed 40 memories" in out and "re-indexing" in terminal
    code, out, piped = _run(["reindex"], tmp_path / "a", tty=False)
    assert code == 0 and piped == ""

    code, out, terminal = _run(["check"], tmp_path / "a", tty=True)
    assert code == 0 and json.loads(out)["ok"] is True and "checking the store" in terminal
    code, out, piped = _run(["check"], tmp_path / "a", tty=False)
    assert code == 0 and json.loads(out)["ok"] is True and piped == ""


def test_the_helper_is_silent_off_a_terminal() -> None:
    stream = io.StringIO()
    assert not shows_progress(stream)
    with progress("checking", total=3, stream=stream) as bar:
        bar.advance()
        bar.update(completed=3, description="done")
        bar.log("a stage line")
    assert stream.getvalue() == ""


def test_eval_draws_a_bar_with_its_stage_lines_on_a_terminal(tmp_path: Path) -> None:
    turns = [{"speaker": "Ann", "dia_id": "D1:1", "text": "I adopted a grey cat named Pixel."}]
    qa = [{"question": "What is the name of Ann's cat?", "answer": "Pixel", "evidence": ["D1:1"], "category": 4}]
    conversation = {"speaker_a": "Ann", "speaker_b": "Ben", "session_1_date_time": "1:56 pm on 8 May, 2023", "session_1": turns}
    data = tmp_path / "locomo.json"
    data.write_text(json.dumps([{"sample_id": "conv-bar", "conversation": conversation, "qa": qa}]))
    code, out, terminal = _run(["eval", "locomo", str(data), "--modes", "lexical", "--embedder", "none"], tmp_path, tty=True)
    assert code == 0, terminal
    assert "R@10" in out and BAR not in out
    assert "ingested conv-bar" in terminal and "asked conv-bar" in terminal and BAR in terminal
