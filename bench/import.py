"""``./kasane bench import --scale N [--json] [--sqlite] [--db URL]``: import a generated
N-row cp932 CSV as submissions.

Writes an N-row Shift_JIS (cp932) CSV of 包括的相談支援事業用シート rows, then runs the real
import path (encoding detection → dry-run parse + validate, incl. the person checks → commit
in batches) — which since issue 15 also *binds persons*: every row's person block creates a
Person in bulk (audit rows, 名寄せ keys, one batch 名寄せ run queued), and the sheet's links
are derived (one row in twenty asks for 多機関協働: a pending case link for the 推進員).
Database: PostgreSQL by default — a throw-away ``kasane_bench_import`` database on the local
server (``KASANE_BENCH_DATABASE_URL`` or ``--db``), dropped and created for each run;
``--sqlite`` uses a throw-away SQLite file. KASANE_VAR_DIR is a temporary directory, so no
real data is touched.
Reports rows/s, the phases' seconds, the process's CPU seconds (wall time on a shared machine
also counts other work; the 1-minute load average is printed beside the figures) and peak
RSS. Goals (issue 15, PostgreSQL, 100,000 rows): < 90 s total, < 200 MB RSS.

Hot paths (profiled with cProfile): the commit inserts the staged rows with one
``executemany`` per 2,000 rows instead of ``bulk_create`` (no model instances; 100k rows:
13.2 s → about 3 s); persons, their ChangeRecords and AccessLogs go in with one COPY per
batch on PostgreSQL (``kasane.core.bulk``); the check caches parsed ``required`` conditions.
"""

from __future__ import annotations

import csv
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench._common import emit, parse_args, print_table

HEADER = ["相談日", "窓口（事業）", "相談方法", "相談者", "本人・氏", "本人・名", "本人・氏（フリガナ）",
          "本人・名（フリガナ）", "本人・生年月日", "本人・性別", "課題", "概要", "対応", "同意の状況"]
FAMILY = [("佐藤", "サトウ"), ("鈴木", "スズキ"), ("髙橋", "タカハシ"), ("田中", "タナカ"), ("渡邊", "ワタナベ")]
GIVEN = [("和夫", "カズオ"), ("花子", "ハナコ"), ("翔", "ショウ"), ("美咲", "ミサキ"), ("誠", "マコト")]
PROBLEMS = ["income◎;debt○", "care◎", "mental○;health◎;housing○", "childcare◎;family_relations○"]


def generate(path: Path, n: int, seed: int) -> None:
    rnd = random.Random(seed)
    with path.open("w", encoding="cp932", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(n):
            fam, given = rnd.choice(FAMILY), rnd.choice(GIVEN)
            day = f"令和6年{rnd.randint(1, 12)}月{rnd.randint(1, 28)}日" if i % 2 else \
                f"2024-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
            w.writerow([day, rnd.choice(["poverty", "elderly", "disability"]), rnd.choice(["office", "phone", "visit"]),
                        "self", fam[0], given[0], fam[1], given[1], f"S{rnd.randint(20, 63)}.{rnd.randint(1, 12)}.{rnd.randint(1, 28)}",
                        rnd.choice(["male", "female"]), rnd.choice(PROBLEMS), f"相談の概要 {i}",
                        "multi_agency" if i % 20 == 0 else "resolved", "oral"])


DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/kasane_bench_import"


def main(argv: list[str]) -> int:
    args = parse_args(argv, {"scale": 100_000}, extra=[("--db", str, "")], flags=["--sqlite"],
                      description="cp932 CSV の取り込み（本人の登録・名寄せ・リンクを含む）の速度とメモリ")
    tmp = Path(tempfile.mkdtemp(prefix="kasane-bench-import-"))
    os.environ["KASANE_VAR_DIR"] = str(tmp)
    os.environ.pop("KASANE_ENV", None)
    try:
        if args.sqlite:
            os.environ.pop("KASANE_DATABASE_URL", None)
        else:
            url = args.db or os.environ.get("KASANE_BENCH_DATABASE_URL") or DEFAULT_DB
            try:
                _fresh_pg_database(url)
            except Exception as exc:  # psycopg.OperationalError and friends: no server here
                print(f"PostgreSQL に接続できません（{exc}）。--sqlite で SQLite でも測れます。",
                      file=sys.stderr)
                return 2
            os.environ["KASANE_DATABASE_URL"] = url
        return _run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _fresh_pg_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _run(args, tmp: Path) -> int:  # noqa: ANN001
    import django

    django.setup()
    from django.core.files.uploadedfile import UploadedFile
    from django.core.management import call_command

    from kasane.accounts.models import Membership, Municipality, Organization, Role, User
    from kasane.people.models import MatchRun, Person
    from kasane.sheets import imports
    from kasane.sheets.models import SheetDerivation, SheetRecord

    call_command("migrate", verbosity=0, interactive=False)
    city = Municipality.objects.create(code="139998", name="重ね市", prefecture="東京都")
    org = Organization.objects.create(municipality=city, name="地域包括", kind="contractor")
    user = User.objects.create(username="bench", municipality=city)
    actor = Membership.objects.create(user=user, organization=org, role=Role.CASEWORKER)

    path = tmp / "consultations.csv"
    generate(path, args.scale, args.seed)
    size_mb = path.stat().st_size / 1e6
    start = time.perf_counter()
    cpu_start = time.process_time()
    with path.open("rb") as fh:
        job = imports.import_create(actor=actor, code="comprehensive_consultation",
                                    upload=UploadedFile(fh, name="consultations.csv",
                                                        size=path.stat().st_size))
    uploaded = time.perf_counter()
    job = imports.run_check(job)
    checked = time.perf_counter()
    job = imports.run_commit(job)
    done = time.perf_counter()
    cpu = time.process_time() - cpu_start
    created = SheetRecord.objects.count()
    if job.row_errors or created != args.scale:
        print(f"取り込み失敗: {job.message} {job.row_errors[:3]}")
        return 1
    total = done - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    extra = {"scale": args.scale, "encoding": job.encoding,
             "database": "sqlite" if args.sqlite else "postgresql",
             "persons_created": Person.objects.count(),
             "derived_links": SheetDerivation.objects.count(),
             "match_runs_queued": MatchRun.objects.count(),
             "load_1min": round(os.getloadavg()[0], 2), "cpus": os.cpu_count()}
    figures = [
        ("rows_per_s", round(args.scale / total, 1), "rows/s"),
        ("total_s", round(total, 2), "s"),
        # CPU seconds of this process: on a shared machine, wall time also counts the others
        ("cpu_s", round(cpu, 2), "s"),
        ("rows_per_cpu_s", round(args.scale / cpu, 1), "rows/s"),
        ("upload_detect_s", round(uploaded - start, 2), "s"),
        ("check_s", round(checked - uploaded, 2), "s"),
        ("commit_s", round(done - checked, 2), "s"),
        ("peak_rss_mb", round(peak_mb, 1), "MB"),
        ("file_mb", round(size_mb, 1), "MB"),
    ]
    if args.json:
        for metric, value, unit in figures:
            emit("import", metric, value, unit, extra=extra)
    else:
        print_table(["指標", "値", "単位"], figures)
        print(", ".join(f"{k}={v}" for k, v in extra.items()))
        print(f"目標（PostgreSQL, 100,000行）: 合計 < 90 s（{'達成' if total < 90 else '未達'}）、"
              f"RSS < 200 MB（{'達成' if peak_mb < 200 else '未達'}）")
    return 0
