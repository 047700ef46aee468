"""A throwaway PostgreSQL primary and its streaming replica on 127.0.0.1 (for test_replica).

Why not a replica of the machine's shared cluster: ``pg_basebackup`` copies a whole cluster
(the shared one holds every developer's and bench database, gigabytes) and needs a
``replication`` line in its pg_hba.conf, which the shared cluster does not have — the test
must not change it. So the test makes a small primary with the same PostgreSQL binaries
(``initdb``: its pg_hba allows local replication), then a real standby of it with
``pg_basebackup -R -X stream`` on a second port, both run as the ``postgres`` user
(``runuser -u postgres``: CI runs as root, and PostgreSQL refuses to run as root).

``ReplicaPair.start()`` takes ~5–15 s; ``stop()`` stops both servers and removes their data.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def pg_bindir() -> Path | None:
    """The newest installed PostgreSQL server binaries (Debian layout), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_basebackup"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    return Path(found[-1]).parent if found else None


def unavailable_reason() -> str:
    """Why the pair cannot be started here ('' when it can)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "needs root (to run PostgreSQL as the postgres user with runuser)"
    if shutil.which("runuser") is None:
        return "runuser not found"
    if pg_bindir() is None:
        return "no PostgreSQL server binaries (/usr/lib/postgresql/*/bin)"
    try:
        subprocess.run(["id", "postgres"], check=True, capture_output=True)  # noqa: S607
    except (subprocess.CalledProcessError, FileNotFoundError):
        return "no postgres user"
    return ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ReplicaPair:
    root: Path
    primary_port: int
    replica_port: int

    @classmethod
    def start(cls) -> ReplicaPair:
        root = Path(tempfile.mkdtemp(prefix="kasane-replica-"))
        shutil.chown(root, "postgres", "postgres")
        pair = cls(root, _free_port(), _free_port())
        try:
            pair._start_primary()
            pair._start_replica()
        except BaseException:
            pair.stop()
            raise
        return pair

    def url(self, which: str, database: str = "postgres") -> str:
        port = self.primary_port if which == "primary" else self.replica_port
        return f"postgresql://postgres@127.0.0.1:{port}/{database}"

    def _pg(self, tool: str, *args: str) -> None:
        bindir = pg_bindir()
        assert bindir is not None
        done = subprocess.run(["runuser", "-u", "postgres", "--", str(bindir / tool), *args],  # noqa: S603,S607
                              capture_output=True, text=True, cwd=self.root, check=False)
        if done.returncode:
            raise RuntimeError(f"{tool} failed: {done.stderr[-1500:]}{self._logs()}")

    def _logs(self) -> str:
        return "".join(f"\n--- {p.name}\n{p.read_text(errors='replace')[-1500:]}"
                       for p in self.root.glob("*.log"))

    def _options(self, port: int) -> str:
        return (f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c shared_buffers=16MB -c max_connections=40")

    def _start_primary(self) -> None:
        data = self.root / "primary"
        self._pg("initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                 "--locale=C.UTF-8", "--no-sync")
        self._pg("pg_ctl", "-D", str(data), "-l", str(self.root / "primary.log"), "-w", "-t", "60",
                 "-o", self._options(self.primary_port) + " -c wal_level=replica "
                 "-c max_wal_senders=4", "start")

    def _start_replica(self) -> None:
        data = self.root / "replica"
        self._pg("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U",
                 "postgres", "-D", str(data), "-R", "-X", "stream", "-c", "fast")
        self._pg("pg_ctl", "-D", str(data), "-l", str(self.root / "replica.log"), "-w", "-t", "60",
                 "-o", self._options(self.replica_port) + " -c hot_standby=on", "start")

    def stop(self) -> None:
        for name in ("replica", "primary"):
            if (self.root / name / "postmaster.pid").exists():
                with contextlib.suppress(RuntimeError):
                    self._pg("pg_ctl", "-D", str(self.root / name), "-m", "immediate", "-w",
                             "stop")
        for _ in range(20):
            if not any((self.root / n / "postmaster.pid").exists() for n in ("primary", "replica")):
                break
            time.sleep(0.25)
        shutil.rmtree(self.root, ignore_errors=True)
