"""Demo city 重ね市 (fictional): municipality, 担当課, organizations and one login per role.

Idempotent: every object is found by its natural key and created only when missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from .models import Membership, Municipality, Organization, OrganizationKind, Role, Unit, User

DEMO_PASSWORD = "kasane-demo"  # noqa: S105 - refused outside demo mode (see load())
CITY_CODE = "139998"  # fictional; check digit valid (13999 → 8)
CITY_NAME = "重ね市"

UNITS = [  # code, name (spec/reporting.md invented legend), order
    ("共", "共生推進課", 1), ("高", "高齢福祉課", 2), ("障", "障がい福祉課", 3),
    ("子", "こども家庭課", 4), ("生", "生活支援課", 5), ("健", "健康づくり課", 6),
]

K = OrganizationKind
ORGANIZATIONS = [  # key, name, kind, unit code
    ("fukushi", "重ね市 福祉相談課", K.DEPARTMENT, "共"),
    ("koureifukushi", "重ね市 高齢福祉課", K.DEPARTMENT, "高"),
    ("shougaifukushi", "重ね市 障がい福祉課", K.DEPARTMENT, "障"),
    ("kodomokatei", "重ね市 こども家庭課", K.DEPARTMENT, "子"),
    ("seikatsu", "重ね市 生活支援課", K.DEPARTMENT, "生"),
    ("kenkou", "重ね市 健康づくり課", K.DEPARTMENT, "健"),
    ("jouhou", "重ね市 情報政策課", K.DEPARTMENT, None),
    ("kansa", "重ね市 監査・個人情報保護担当", K.DEPARTMENT, None),
    ("shakyo", "重ね市社会福祉協議会", K.SHAKYO, None),
    ("houkatsu_hokubu", "地域包括支援センター北部", K.CONTRACTOR, None),
    ("houkatsu_chubu", "地域包括支援センター中部", K.CONTRACTOR, None),
    ("houkatsu_nanbu", "地域包括支援センター南部", K.CONTRACTOR, None),
    ("shougai_soudan", "障害者相談支援事業所かさね", K.CONTRACTOR, None),
    ("kodomo_center", "子ども家庭支援センター", K.CONTRACTOR, None),
    ("jiritsu", "自立相談支援機関 くらしサポート重ね", K.CONTRACTOR, None),
    ("npo_ibasho", "NPO法人 いばしょネット", K.PRIVATE, None),
    ("npo_food", "NPO法人 フードバンク重ね", K.PRIVATE, None),
    ("toshokan", "重ね市立中央図書館", K.DEPARTMENT, None),
    ("kouminkan", "重ね市 北公民館", K.DEPARTMENT, None),
    ("iinkai", "重ね市 市民福祉推進委員会", K.AGENCY, None),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    org: str
    role: str
    label: str


LOGINS = [
    DemoLogin("suishin", "推進 花子", "fukushi", Role.COORDINATOR, "相談支援包括化推進員（市 福祉相談課）"),
    DemoLogin("csw", "社協 一郎", "shakyo", Role.CASEWORKER, "CSW（社協）"),
    DemoLogin("houkatsu1", "北部 包子", "houkatsu_hokubu", Role.CASEWORKER, "相談員（地域包括支援センター北部）"),
    DemoLogin("shougai", "障害 相談", "shougai_soudan", Role.CASEWORKER, "相談支援専門員（障害者相談支援事業所）"),
    DemoLogin("kodomo", "子ども 支援", "kodomo_center", Role.CASEWORKER, "相談員（子ども家庭支援センター）"),
    DemoLogin("renrakuin", "図書館 連絡", "toshokan", Role.LIAISON, "連絡員（図書館）"),
    DemoLogin("jimukyoku", "事務局 進", "fukushi", Role.SECRETARIAT, "事務局（市 福祉相談課）"),
    DemoLogin("iin", "委員 和子", "iinkai", Role.COMMITTEE, "委員（市民福祉推進委員会）"),
    DemoLogin("kansa", "監査 正", "kansa", Role.AUDITOR, "監査"),
    DemoLogin("admin", "管理 太郎", "jouhou", Role.ADMIN, "管理者（情報政策課）"),
]


class DemoRefused(Exception):
    pass


def load() -> dict[str, object]:
    """Create or complete the demo city; returns the objects later loaders build on."""
    if not settings.DEMO_MODE:
        raise DemoRefused("デモデータは本番モードでは読み込めません。")
    city, _ = Municipality.objects.get_or_create(
        code=CITY_CODE, defaults={"name": CITY_NAME, "prefecture": "東京都"})
    units = {}
    for code, name, order in UNITS:
        units[code], _ = Unit.objects.get_or_create(
            municipality=city, code=code, defaults={"name": name, "order": order})
    orgs = {}
    for key, name, kind, unit in ORGANIZATIONS:
        orgs[key], _ = Organization.objects.get_or_create(
            municipality=city, name=name,
            defaults={"kind": kind, "unit": units.get(unit) if unit else None})
    users = {}
    for login in LOGINS:
        user = User.objects.filter(username=login.username).first()
        if user is None:
            user = User(username=login.username, display_name=login.display_name,
                        municipality=city)
            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(user=user, organization=orgs[login.org], role=login.role)
        users[login.username] = user
    # suishin also helps at the 社協 as 推進員 — shows the organization switcher.
    Membership.objects.get_or_create(user=users["suishin"], organization=orgs["shakyo"],
                                     role=Role.COORDINATOR)
    return {"city": city, "units": units, "orgs": orgs, "users": users}
