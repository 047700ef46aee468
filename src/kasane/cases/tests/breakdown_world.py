"""A small hand-made city for the 圏域 / 課題の分類 breakdowns (used by cases and stats tests).

Areas: 01 北部 covers 「重ね市北町」, 02 中部 covers 「重ね市本町1」 (丁目), 03 covers 「重ね市本町12」
(longer prefix, and 「本町1」 must not take 「本町12-3」 by cutting 12 in two).

Cases of 令和6年度 (fiscal 2024), primary subject's address → area, problems (all born 1970):
  A 重ね市北町3-1      → 01  ◎income ○debt        contacts: 2 reached, 1 not
  B 重ね市本町一丁目4-5 → 02  ◎care                contacts: 1 reached
  C 重ね市本町12-3     → 03  ○care ◎mental        (second subject X lives in 北町: not counted)
  D 西町9 (no row)     → 未設定 (no problems)
  E 重ね市北町1        → 01  ◎care, opened in the previous 年度 (not opened, but handled)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kasane.areas.keys import prefix_key
from kasane.areas.models import AddressArea, Area
from kasane.cases.models import Case, CaseProblem, CaseSubject, Contact
from kasane.core.text import normalize_address
from kasane.people.models import Person


def at(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime(y, m, d, 10, tzinfo=timezone.get_current_timezone())


def build(city: Any) -> dict[str, Case]:
    muni, org, coord = city.municipality, city.orgs["city"], city.coordinator
    for code, name, prefixes in (("01", "北部", ["重ね市北町"]), ("02", "中部", ["重ね市本町一丁目"]),
                                 ("03", "本町12", ["重ね市本町12"])):
        area = Area.objects.create(municipality=muni, kind="daily_life_area", code=code, name=name)
        for p in prefixes:
            AddressArea.objects.create(municipality=muni, prefix=p, prefix_key=prefix_key(p),
                                       kind="daily_life_area", area=area)
    cases = {}

    def case(name, address, opened, problems=(), main="", extra_address=None):
        c = Case.objects.create(municipality=muni, tags=["comprehensive"], summary=name,
                                lead_org=org, opened_by=coord, opened_org=org, opened_at=opened,
                                status="supporting")
        for i, addr in enumerate([address] + ([extra_address] if extra_address else [])):
            p = Person.objects.create(municipality=muni, family_name=f"{name}{i}",
                                      family_name_kana="テスト", birth_date=dt.date(1970, 1, 1),
                                      address=addr, address_key=normalize_address(addr),
                                      created_by_org=org)
            CaseSubject.objects.create(case=c, person=p, is_primary=i == 0)
        for code in problems:
            CaseProblem.objects.create(case=c, code=code, is_main=code == main)
        cases[name] = c
        return c

    a = case("A", "重ね市北町3-1", at(2024, 5, 1), ("income", "debt"), "income")
    b = case("B", "重ね市本町一丁目4-5", at(2024, 6, 1), ("care",), "care")
    case("C", "重ね市本町12-3", at(2024, 7, 1), ("care", "mental"), "mental",
         extra_address="重ね市北町5")
    case("D", "重ね市西町9", at(2024, 8, 1))
    case("E", "重ね市北町1", at(2023, 8, 1), ("care",), "care")
    for when, reached in ((at(2024, 5, 2), True), (at(2024, 5, 9), True), (at(2024, 5, 16), False)):
        Contact.objects.create(case=a, at=when, method="visit", reached=reached, summary="訪問",
                               tags=["comprehensive"], author=coord, organization=org)
    Contact.objects.create(case=b, at=at(2024, 6, 2), method="phone", reached=True,
                           summary="電話", tags=["comprehensive"], author=coord, organization=org)
    return cases


