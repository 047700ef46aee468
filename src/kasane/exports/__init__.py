"""Files made in the background and downloaded when ready (Excel exports, later PDF reports).

An app that offers such a file registers an ``ExportKind`` (``kinds.register``) from its own
module, imported by its ``AppConfig.ready()``; a screen starts a job with
``services.job_start``, the db_worker runs it (``tasks.run_export``), and the user watches its
progress and downloads it on ``/exports/<id>/`` (``policy.require_own_job``: only its creator,
acting in the same organization, while the kind still allows them; every download logged).
"""
