"""The fault suite's own services: a PostgreSQL cluster, a Redis server, a small tmpfs, and
Accord processes it can kill. Nothing here touches a shared server: every service is started
on a free loopback port in the run's directory and stopped at the end.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

PG_BIN = Path(os.environ.get("ACCORD_FAULT_PG_BIN", "/usr/lib/postgresql/15/bin"))
OPERATOR_KEY = "aco_fault-suite-operator-key"


class Unavailable(RuntimeError):
    """A fault this machine cannot stage (no binary, no permission); the message says why."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(args: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=120, **kw)  # type: ignore[call-overload]


def _as_postgres(args: list[str]) -> list[str]:
    # initdb refuses to run as root: run the server binaries as the postgres user when we are root.
    if os.geteuid() == 0 and shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--", *args]
    return args


class PostgresCluster:
    """``initdb`` + ``pg_ctl`` on a directory of the run's own and a free port (trust auth)."""

    def __init__(self, root: Path) -> None:
        if not (PG_BIN / "initdb").exists():
            raise Unavailable(f"no initdb in {PG_BIN} (set ACCORD_FAULT_PG_BIN)")
        self.dir = root / "pg"
        self.port = free_port()
        self.log = root / "pg.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def _ctl(self, *args: str) -> None:
        _run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-l", str(self.log), "-w", "-t", "60", *args]))

    def start(self) -> None:
        if not self.dir.exists():
            if os.geteuid() == 0:
                self.dir.parent.chmod(0o755)  # the postgres user must reach its directory
            self.dir.mkdir(parents=True)
            self.log.touch()
            if os.geteuid() == 0:
                shutil.chown(self.dir, "postgres")
                shutil.chown(self.log, "postgres")
            _run(_as_postgres([str(PG_BIN / "initdb"), "-D", str(self.dir), "-U", "postgres", "-A", "trust", "--no-sync"]))
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir} -c fsync=on"
        self._ctl("-o", options, "start")

    def restart(self, mode: str = "fast") -> None:
        self._ctl("-m", mode, "restart")

    def stop(self) -> None:
        if self.dir.exists():
            try:
                self._ctl("-m", "immediate", "stop")
            except subprocess.CalledProcessError:
                pass


class RedisServer:
    """``redis-server`` on a fixed free port, no persistence; killed and started again on it."""

    def __init__(self, root: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise Unavailable("redis-server is not installed")
        self.binary = binary
        self.port = free_port()
        self.log = root / "redis.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not listen in 30 s")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


class Tmpfs:
    """A small filesystem to fill: a tmpfs mount (root), else a loop-mounted ext4 image."""

    def __init__(self, root: Path, megabytes: int = 96) -> None:
        self.mount = root / "small-disk"
        self.mount.mkdir(parents=True, exist_ok=True)
        self.kind = ""
        errors = []
        try:
            _run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(self.mount)])
            self.kind = f"tmpfs of {megabytes} MB"
            return
        except (subprocess.CalledProcessError, FileNotFoundError, PermissionError) as e:
            errors.append(f"tmpfs: {getattr(e, 'stderr', '') or e}")
        image = root / "small-disk.img"
        try:
            _run(["truncate", "-s", f"{megabytes}M", str(image)])
            _run(["mkfs.ext4", "-q", "-F", str(image)])
            _run(["mount", "-o", "loop", str(image), str(self.mount)])
            self.kind = f"loop-mounted ext4 of {megabytes} MB"
        except (subprocess.CalledProcessError, FileNotFoundError, PermissionError) as e:
            errors.append(f"loop device: {getattr(e, 'stderr', '') or e}")
            raise Unavailable("; ".join(str(x).strip() for x in errors)) from e

    def fill(self, leave_bytes: int = 0) -> Path:
        """Write a filler file until the disk is full (less ``leave_bytes``)."""
        filler = self.mount / "filler"
        chunk = b"\0" * (1 << 16)
        with open(filler, "ab") as f:
            try:
                while True:
                    free = shutil.disk_usage(self.mount).free
                    if free <= leave_bytes:
                        break
                    f.write(chunk[: max(1, min(len(chunk), free - leave_bytes))])
                    f.flush()
            except OSError:
                pass
        return filler

    def unmount(self) -> None:
        subprocess.run(["umount", "-l", str(self.mount)], capture_output=True, timeout=60)


class AccordProcess:
    """``python -m accord.cli <command>`` with the run's environment; SIGKILL and start again."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], root: Path, port: int | None = None) -> None:
        self.name, self.args, self.env, self.port = name, args, env, port
        self.log = root / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait: bool = True) -> None:
        args = [sys.executable, "-m", "accord.cli", *self.args]
        if self.port is not None:
            args += ["--port", str(self.port), "--log-level", "warning"]
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(args, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        self.starts += 1
        if wait and self.port is not None:
            self.wait_ready()

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout  # only stops a hang
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                tail = self.log.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{tail}")
            try:
                if httpx.get(f"{self.url}/ready", timeout=2.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not ready in {timeout} s")

    def is_ready(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            return False
        if self.port is None:
            return True
        try:
            return httpx.get(f"{self.url}/ready", timeout=1.0).status_code == 200
        except httpx.TransportError:
            return False

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def accord_env(data_dir: Path, **settings: str) -> dict[str, str]:
    """The environment of an Accord process of this run: its data dir, the operator key, no
    model, no shared service, rate limits out of the way (the gate is not under test)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env.update(
        ACCORD_DATA_DIR=str(data_dir),
        ACCORD_EMBEDDER="none",
        ACCORD_SERVER_ADMIN_KEY=OPERATOR_KEY,
        ACCORD_RATE_LIMIT_PER_MINUTE="1e9",
        ACCORD_RATE_LIMIT_BURST="1000000",
        ACCORD_JOB_LEASE_SECONDS="3",
        HF_HUB_OFFLINE="1",
    )
    env.update(settings)
    return env
