"""Labels of the audit codes exports writes (registered in ``audit.labels`` at start-up)."""

from __future__ import annotations

from kasane.audit.labels import register

from .models import ExportJob

register(area="出力ファイル",
         actions={"export_view": "出力ファイルの表示", "export_download": "出力ファイルのダウンロード"},
         objects={"export_job": "出力ファイル"}, models=[ExportJob])
