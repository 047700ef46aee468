"""Labels of the audit codes areas writes (``areas.<action>``; registered in ``audit.labels``)."""

from __future__ import annotations

from kasane.audit.labels import register

from .models import AddressArea, Area

register(
    area="圏域",
    actions={
        "areas.area.save": "圏域の登録・変更", "areas.address.add": "住所と圏域の対応の追加",
        "areas.address.delete": "住所と圏域の対応の削除", "areas.import": "圏域・住所対応表の取り込み",
    },
    models=[Area, AddressArea],
)
