"""``./kasane`` sub-commands: demo, test, bench; anything else goes to Django's manage.py.

The POSIX launcher (``./kasane``) prepares ``.venv`` first, then runs ``python -m kasane.cli``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "kasane-demo"  # noqa: S105 - public demo password, refused outside demo mode

USAGE = """使い方: ./kasane <コマンド> [...]

  demo [--prepare-only] [--port N]  デモ市（重ね市）を準備して http://127.0.0.1:8000 で起動
  test [pytest の引数]              テスト一式（PostgreSQL があれば PostgreSQL、次に SQLite で smoke）
                                    ./kasane test --help で pytest の使い方（実行はしない）
  bench NAME [--scale N] [--json]   ベンチマーク（一覧: ./kasane bench）
  <manage.py のコマンド>            例: ./kasane migrate, ./kasane check --deploy, ./kasane db_worker
"""


def _django_env() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasane.settings")
    src = str(ROOT / "src")
    if src not in sys.path:
        sys.path.insert(0, src)


def manage(argv: list[str]) -> int:
    _django_env()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kasane", *argv])
    return 0


def demo(argv: list[str]) -> int:
    if os.environ.get("KASANE_ENV") == "production":
        print("本番設定（KASANE_ENV=production）ではデモを起動できません。", file=sys.stderr)
        return 2
    prepare_only = "--prepare-only" in argv
    port = "8000"
    if "--port" in argv:
        port = argv[argv.index("--port") + 1]
    # hashed, gzipped static files with year-long cache headers, as in production
    os.environ.setdefault("KASANE_STATIC_HASHED", "1")
    _django_env()
    (ROOT / "var").mkdir(exist_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo")
    _print_logins()
    if prepare_only:
        return 0
    return _serve(port)


def _print_logins() -> None:
    from kasane.web.demo import DEMO_LOGINS

    print("\n重ね市（デモ）の準備ができました。ログイン（パスワードはすべて "
          f"{DEMO_PASSWORD}）:")
    for username, label in DEMO_LOGINS:
        print(f"  {username:<15} {label}")
    from kasane.pdca.demo import UNIT_LOGINS

    for username, name, _org in UNIT_LOGINS:
        print(f"  {username:<15} 担当課職員（PDCA 自己評価）: {name}")


WORKER_COMMAND = [sys.executable, "-m", "kasane.cli", "db_worker"]


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _die_with_parent() -> None:
    """In the worker before it starts (Linux): SIGTERM it when the launcher dies, even by
    SIGKILL. Elsewhere the launcher's own signal handling stops it."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _serve(port: str, *, worker_command: list[str] | None = None) -> int:
    """uvicorn in this process and the db_worker beside it, stopped together.

    uvicorn shuts down gracefully on SIGINT/SIGTERM and then raises the signal again with the
    handler it found. Python's SIGTERM default would end the process right there, skipping
    the ``finally`` below and leaving the worker running; SIGTERM and SIGHUP therefore exit
    through ``SystemExit`` (the ``finally`` stops the worker), and on Linux the worker also
    gets SIGTERM should the launcher die by SIGKILL."""
    for signum in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if signum is not None:
            signal.signal(signum, _exit_on_signal)
    worker = subprocess.Popen(worker_command or WORKER_COMMAND, env=dict(os.environ),  # noqa: S603
                              preexec_fn=_die_with_parent if sys.platform == "linux" else None)  # noqa: PLW1509
    print(f"\nhttp://127.0.0.1:{port}/ で待ち受けています（Ctrl+C で終了）。", flush=True)
    try:
        import uvicorn

        uvicorn.run("kasane.asgi:application", host="127.0.0.1", port=int(port),
                    log_level="warning")
    finally:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    return 0


def _postgres_url() -> str | None:
    """KASANE_TEST_DATABASE_URL, else a local PostgreSQL if one answers, else None (SQLite)."""
    url = os.environ.get("KASANE_TEST_DATABASE_URL")
    if url:
        return url
    candidate = "postgresql://postgres@127.0.0.1:5432/postgres"
    try:
        import psycopg

        with psycopg.connect(candidate, connect_timeout=3):
            pass
    except Exception:  # noqa: BLE001 - any failure means "no local server"
        return None
    return "postgresql://postgres@127.0.0.1:5432/kasane"


def _pytest(args: list[str], env: dict[str, str]) -> int:
    cmd = [sys.executable, "-m", "pytest", *args]
    print("$ " + " ".join(cmd), flush=True)
    return subprocess.call(cmd, env=env, cwd=ROOT)  # noqa: S603


TEST_USAGE = """使い方: ./kasane test [pytest の引数]

  引数なし    テスト一式: PostgreSQL があれば PostgreSQL で全件、続けて SQLite で smoke
  引数あり    その引数で pytest を1回（PostgreSQL があれば PostgreSQL で）、並列のまま
              例: ./kasane test src/kasane/sheets -k export -x
              並列（-n）を付けないのは: -n / --numprocesses / --dist / -p no:xdist を
              自分で指定したとき、--pdb / --trace のとき、テストを1件だけ
              （パス::テスト名）指定したとき
  -h, --help  この説明と pytest の使い方（テストは実行しません）

以下は pytest の使い方です。
"""

HELP_FLAGS = frozenset({"-h", "--help"})
# Options after which ./kasane test adds no workers of its own.
SERIAL_OPTIONS = frozenset({"-n", "--numprocesses", "--dist", "--pdb", "--trace", "-pno:xdist"})


def _workers() -> list[str]:
    cpus = os.cpu_count() or 1
    return ["-n", str(min(cpus, 4))] if cpus > 1 else []


def _serial(argv: list[str]) -> bool:
    for arg, following in zip(argv, [*argv[1:], ""], strict=True):
        name = arg.split("=", 1)[0]
        if name in SERIAL_OPTIONS or (arg.startswith("-n") and not arg.startswith("--")):
            return True  # -n 4, -n4, -nauto, --numprocesses=2, --dist=load, --pdb
        if arg == "-p" and following == "no:xdist":
            return True
    tests = [arg for arg in argv if not arg.startswith("-")]
    return len(tests) == 1 and "::" in tests[0]  # one test: workers only add start-up time


def pytest_args(argv: list[str], workers: list[str]) -> list[str]:
    """The developer's pytest arguments, run on the suite's parallel workers unless they chose
    their own (``-n``, ``--dist``, ``-p no:xdist``), debug (``--pdb``, ``--trace``) or name a
    single test (``path::test``)."""
    return list(argv) if _serial(argv) else [*workers, *argv]


def test(argv: list[str]) -> int:
    """Whole suite on PostgreSQL when available (SQLite otherwise), then a SQLite smoke run.

    ``--help`` prints this usage and pytest's, and runs nothing (no database is probed)."""
    if HELP_FLAGS.intersection(argv):
        print(TEST_USAGE, flush=True)
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        return subprocess.call([sys.executable, "-m", "pytest", "--help"], env=env,  # noqa: S603
                               cwd=ROOT)
    env = dict(os.environ)
    env.pop("KASANE_ENV", None)
    env["PYTHONPATH"] = str(ROOT / "src")
    tmp = Path(tempfile.mkdtemp(prefix="kasane-test-"))
    env["KASANE_VAR_DIR"] = str(tmp)
    env.setdefault("XDG_CONFIG_HOME", str(tmp / "xdg-config"))
    env.setdefault("XDG_CACHE_HOME", str(tmp / "xdg-cache"))
    workers = _workers()
    pg = _postgres_url()
    try:
        if argv:  # a developer running a subset: one run, on PostgreSQL if available
            if pg:
                env["KASANE_DATABASE_URL"] = pg
            return _pytest(pytest_args(argv, workers), env)
        if pg:
            print(f"kasane test: PostgreSQL ({pg.rsplit('@', 1)[-1]})", flush=True)
            rc = _pytest([*workers, "--durations=10"], {**env, "KASANE_DATABASE_URL": pg})
        else:
            print("kasane test: PostgreSQL が見つからないため SQLite で実行します。", flush=True)
            rc = 0
        print("kasane test: SQLite smoke", flush=True)
        sqlite_env = {k: v for k, v in env.items() if k != "KASANE_DATABASE_URL"}
        smoke_args = [*workers, "-m", "not e2e"] if pg else [*workers]
        rc_sqlite = _pytest(smoke_args, sqlite_env)
        return rc or rc_sqlite
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def bench(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    available = sorted(p.stem for p in (ROOT / "bench").glob("*.py")
                       if not p.stem.startswith("_"))
    if not argv or argv[0] not in available:
        print("使い方: ./kasane bench NAME [--scale N] [--json]\n利用できるベンチマーク: "
              + (", ".join(available) or "（なし）"), file=sys.stderr)
        return 2
    _django_env()
    import importlib

    module = importlib.import_module(f"bench.{argv[0]}")
    return int(module.main(argv[1:]) or 0)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"help", "-h", "--help"}:
        print(USAGE)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "demo":
        return demo(rest)
    if command == "test":
        return test(rest)
    if command == "bench":
        return bench(rest)
    return manage(argv)


if __name__ == "__main__":
    sys.exit(main())
