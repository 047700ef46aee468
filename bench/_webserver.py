"""The server side of ``./kasane bench web|soak|pages``: a bench database, production settings,
gunicorn with uvicorn workers on 127.0.0.1, and helpers to read the workers' memory.

``serve()`` is a context manager yielding a :class:`Server`::

    with serve(users=50, workers=2) as server:
        server.url, server.prep["users"], server.worker_pids()

The database is ``kasane_bench_web`` next to ``KASANE_BENCH_DATABASE_URL`` (default: the local
PostgreSQL), created from a cached template database holding the migrated schema and the demo
city (``kasane_bench_web_tpl_<hash of migrations and demo loaders>``: the first run builds it in ~20 s,
later ones copy it in about a second). Settings are production ones (``KASANE_ENV=production``:
DEBUG off, hashed compressed static files, secure cookies, HSTS, MFA required) with a throwaway
SECRET_KEY; clients send ``X-Forwarded-Proto: https`` as the TLS-terminating load balancer would.
``KASANE_BENCH_VIEWS=1`` mounts the bare baseline view ``/bench/bare``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/kasane_bench_web"
TEMPLATE_PREFIX = "kasane_bench_web_tpl_"
FORWARDED = {"X-Forwarded-Proto": "https"}


@dataclass
class Server:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    prep: dict[str, Any]
    env: dict[str, str] = field(default_factory=dict)
    database_url: str = ""

    def worker_pids(self) -> list[int]:
        """The gunicorn workers (children of the arbiter)."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []

    def worker_cpu_seconds(self) -> float:
        """User + system CPU time of all workers so far (Linux /proc; clock ticks → s)."""
        return sum(process_cpu_seconds(self.worker_pids()).values())

    def database_cpu_seconds(self) -> float | None:
        """CPU time so far of the PostgreSQL backends connected to the bench database, plus
        that of every backend the server has reaped (the postmaster's children time): a
        backend that ends during a phase — a connection the pool did not keep, a parallel
        worker — still counts. Subtract two readings for a phase. None when the server is not
        on this machine (no backend's /proc entry). A backend of another database that ends
        during the phase counts too: measure on a machine where nothing else uses PostgreSQL."""
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            pids = [pid for (pid,) in conn.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchall()]
            postmaster = _parent_pid(conn.info.backend_pid)
        live = process_cpu_seconds(pids)
        if postmaster is None or (pids and not live):
            return None
        return sum(live.values()) + children_cpu_seconds(postmaster)

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker in MB (Linux /proc)."""
        sizes = []
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(round(int(line.split()[1]) / 1024, 1))
            except OSError:
                continue
        return sizes


def process_cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU time so far of each readable process (Linux /proc)."""
    return {pid: times[0] + times[1] for pid in pids if (times := _cpu_times(pid)) is not None}


def children_cpu_seconds(pid: int) -> float:
    """User + system CPU time of the children ``pid`` has waited for (Linux /proc)."""
    times = _cpu_times(pid)
    return 0.0 if times is None else times[2] + times[3]


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command: state, ppid, … (man 5 proc)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _parent_pid(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[1]) if fields else None


def _cpu_times(pid: int) -> tuple[float, float, float, float] | None:
    """utime, stime, cutime, cstime in seconds (clock ticks ÷ SC_CLK_TCK)."""
    fields = _stat(pid)
    if fields is None or len(fields) < 15:
        return None
    tick = os.sysconf("SC_CLK_TCK")
    utime, stime, cutime, cstime = (int(f) / tick for f in fields[11:15])
    return utime, stime, cutime, cstime


def _fingerprint() -> str:
    """Hash of everything that shapes the template database (migrations and demo loaders)."""
    digest = hashlib.sha256()
    files = sorted((ROOT / "src" / "kasane").glob("*/migrations/*.py"))
    files += sorted((ROOT / "src" / "kasane").glob("*/demo.py"))
    files.append(Path(__file__).with_name("_webprep.py"))
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def _admin(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def _with_name(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _dataset_template(base_url: str, dataset: str) -> str:
    """The cached generated database of a city scale (bench/city.py), e.g. ``pref50``: the
    bench database is copied from it and the prep step adds the demo city as one more tenant.
    It is built by ``./kasane bench report --scale <dataset>`` (not here: ~30 min for pref50)."""
    from bench import city

    if dataset not in city.SCALES:
        raise RuntimeError(f"データセット {dataset} はありません（{', '.join(city.SCALES)}）")
    name = f"kasane_bench_city_{dataset}_{city.version()}"
    if not city._ready(_with_name(base_url, name), city.SCALES[dataset].municipalities):
        raise RuntimeError(f"{name} がありません。先に ./kasane bench report --scale {dataset} "
                           "で生成してください")
    return name


def _database(base_url: str, env: dict[str, str], dataset: str = "") -> str:
    """A fresh bench database copied from the cached template (built when missing), or from
    the generated ``dataset`` (then the demo city is loaded into the copy by the prep step)."""
    import psycopg

    name = urlsplit(base_url).path.strip("/") or "kasane_bench_web"
    template = _dataset_template(base_url, dataset) if dataset else \
        f"{TEMPLATE_PREFIX}{_fingerprint()}"
    with psycopg.connect(_admin(base_url), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              [template]).fetchone()
        if not exists and not dataset:
            for (old,) in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                       [f"{TEMPLATE_PREFIX}%"]).fetchall():
                conn.execute(f'DROP DATABASE IF EXISTS "{old}"')
            conn.execute(f'CREATE DATABASE "{template}"')
            try:
                _run_prep(_with_name(base_url, template), env, users=0)
            except BaseException:
                conn.execute(f'DROP DATABASE IF EXISTS "{template}"')
                raise
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        for attempt in range(30):  # another bench may be copying the template right now
            try:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                break
            except psycopg.errors.ObjectInUse:
                if attempt == 29:
                    raise
                time.sleep(1)
    return _with_name(base_url, name)


def drop_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.strip("/")
    with psycopg.connect(_admin(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env,  # noqa: S603
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{' '.join(args)}: {done.stderr[-2000:]}")


def _static_fingerprint() -> str:
    from importlib.metadata import version

    digest = hashlib.sha256()
    for package in ("django", "django-ninja", "whitenoise"):
        digest.update(version(package).encode())
    for path in sorted((ROOT / "src" / "kasane").glob("*/static/**/*")):
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def _static(var: Path, env: dict[str, str]) -> None:
    """``collectstatic`` as production runs it (hashed names, gzip + brotli: ~40 s), cached
    in ``$TMPDIR/kasane-bench-static/<hash of the static sources>`` (shared by checkouts on the
    machine) and linked as the server's STATIC_ROOT."""
    cache = Path(tempfile.gettempdir()) / "kasane-bench-static" / _static_fingerprint()
    if not (cache / "staticfiles.json").exists():
        build = Path(tempfile.mkdtemp(prefix="kasane-static-"))
        _run(["-m", "kasane.cli", "collectstatic", "--noinput", "-v0"],
             {**env, "KASANE_VAR_DIR": str(build)})
        cache.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):  # another run may have put it there meanwhile
            (build / "static").rename(cache)
        shutil.rmtree(build, ignore_errors=True)
    shutil.rmtree(var / "static", ignore_errors=True)  # the prep step's empty one
    (var / "static").symlink_to(cache, target_is_directory=True)


def _run_prep(url: str, env: dict[str, str], *, users: int) -> dict[str, Any]:
    out = Path(env["KASANE_VAR_DIR"]) / "prep.json"
    _run(["-m", "bench._webprep", url, str(out), str(users)], env)
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn ended with {process.returncode}")
        try:
            request = urllib.request.Request(url + "/healthz", headers=FORWARDED)
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def base_env(var: Path, database_url: str) -> dict[str, str]:
    """Production settings for the bench server (and the prep step, which drops KASANE_ENV)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KASANE_")}
    env.update({
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}", "DJANGO_SETTINGS_MODULE": "kasane.settings",
        "KASANE_ENV": "production", "KASANE_SECRET_KEY": secrets.token_urlsafe(50),
        "KASANE_ALLOWED_HOSTS": "127.0.0.1", "KASANE_VAR_DIR": str(var),
        "KASANE_DATABASE_URL": database_url, "KASANE_BENCH_VIEWS": "1",
        "KASANE_AUDIT_SEAL_FILE": str(var / "seals.jsonl"),
    })
    return env


# The production default of both serving settings (kasane.settings.base.PRODUCTION_CONCURRENCY;
# tests/bench/test_web.py holds the two equal): what a run measures unless told otherwise.
PRODUCTION_DEFAULT = 8


@contextlib.contextmanager
def serve(*, users: int, workers: int = 0, base_url: str = "", database: str = "",
          keep_database: bool = False, db_pool: int = PRODUCTION_DEFAULT,
          concurrency: int = PRODUCTION_DEFAULT, dataset: str = "") -> Iterator[Server]:
    """Bench database + production gunicorn (uvicorn workers) on a free 127.0.0.1 port.

    ``database`` names the bench database (each bench its own: they may run at once);
    ``db_pool`` idle connections kept per worker (KASANE_DB_POOL_SIZE) and ``concurrency``
    requests of a worker running Django at once (KASANE_WORKER_CONCURRENCY), 0 = off, both
    given to the server explicitly (default: production's); ``dataset`` (``pref50``) serves
    the demo city inside a copy of that generated database."""
    base_url = base_url or os.environ.get("KASANE_BENCH_DATABASE_URL") or DEFAULT_URL
    if database:
        base_url = _with_name(base_url, database)
    var = Path(tempfile.mkdtemp(prefix="kasane-bench-web-"))
    env = base_env(var, "")
    env["KASANE_DB_POOL_SIZE"] = str(db_pool)
    env["KASANE_WORKER_CONCURRENCY"] = str(concurrency)
    process = None
    database_url = ""
    try:
        prep_env = {k: v for k, v in env.items() if k != "KASANE_ENV"}
        database_url = _database(base_url, prep_env, dataset)
        env["KASANE_DATABASE_URL"] = prep_env["KASANE_DATABASE_URL"] = database_url
        prep = _run_prep(database_url, prep_env, users=users)
        _static(var, env)
        port = _free_port()
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "kasane.asgi:application",
             "-k", "uvicorn_worker.UvicornWorker", "--no-control-socket",
             "-w", str(workers or os.cpu_count() or 2), "-b", f"127.0.0.1:{port}",
             # a worker booting on a loaded machine can take > gunicorn's default 30 s
             "--timeout", "120", "--graceful-timeout", "5", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(var / "server.log", "wb"))  # noqa: SIM115
        url = f"http://127.0.0.1:{port}"
        _wait_ready(url, process, timeout=150)
        yield Server(url=url, port=port, process=process, prep=prep, env=env,
                     database_url=database_url)
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if database_url and not keep_database:
            drop_database(database_url)
        shutil.rmtree(var, ignore_errors=True)
