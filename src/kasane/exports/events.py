"""Domain events of exports (core.events): emitted by the services, ids only."""

from kasane.core.events import Event

EXPORT_FINISHED = Event("exports.finished", "出力ファイルの作成が終わった (job_id, status)")
