"""Labels of the audit codes resources writes (``resources.<action>``; in ``audit.labels``)."""

from __future__ import annotations

from kasane.audit.labels import register

from .models import Place, PlaceChange, PlaceSchedule, Provider

register(
    area="社会資源",
    actions={
        "resources.provider.save": "運営団体の登録・変更", "resources.place.save": "社会資源の登録・変更",
        "resources.place.verify": "社会資源の確認日の記録", "resources.place.publish": "社会資源の公開",
        "resources.place.close": "社会資源の休止・終了",
        "resources.place.participants": "社会資源の参加者数の増減（参加支援）", "resources.survey.import": "居場所調査の取り込み",
        "resources.survey.export": "居場所調査票の出力", "resources.change.accept": "変更の提案の反映",
        "resources.change.reject": "変更の提案の却下", "resources.hsds.import": "HSDS の取り込み",
        "resources.hsds.export": "HSDS の出力", "resources.public.export": "公開用ファイルの出力",
    },
    models=[Provider, Place, PlaceSchedule, PlaceChange],
)
