"""Backfill: each case gets the problem categories (○/◎) of its 相談受付票 — the record it was
opened from when that is one, else its latest submitted 相談受付・申込票 / 包括的相談 record."""

from django.db import migrations

SOURCE_CODES = ("intake_application", "intake_application_no_consent",
                "comprehensive_consultation")


def backfill(apps, schema_editor):
    from kasane.cases.problems import from_answer

    Case = apps.get_model("cases", "Case")
    CaseProblem = apps.get_model("cases", "CaseProblem")
    SheetRecord = apps.get_model("sheets", "SheetRecord")
    records = (SheetRecord.objects.filter(status="submitted", case_id__isnull=False,
                                          definition__code__in=SOURCE_CODES)
               .order_by("case_id", "pk").values_list("pk", "case_id", "answers"))
    by_case: dict[int, list[tuple[int, dict]]] = {}
    for pk, case_id, answers in records.iterator(chunk_size=2000):
        by_case.setdefault(case_id, []).append((pk, answers or {}))
    if not by_case:
        return
    sources = dict(Case.objects.filter(pk__in=list(by_case)).values_list(
        "pk", "source_sheet_record_id"))
    done = set(CaseProblem.objects.filter(case_id__in=list(by_case)).values_list(
        "case_id", flat=True).distinct())
    rows = []
    for case_id, recs in by_case.items():
        if case_id not in sources or case_id in done:
            continue
        chosen = next((a for pk, a in recs if pk == sources[case_id]), recs[-1][1])
        parsed = from_answer(chosen.get("problems"))
        if parsed is None:
            continue
        marked, main = parsed
        rows += [CaseProblem(case_id=case_id, code=c, is_main=c == main) for c in marked]
    CaseProblem.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0008_case_problems"),
        ("sheets", "0008_merge_20261202_1543"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
