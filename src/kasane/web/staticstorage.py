"""Static files storage of the demo: production's (hashed names, precompressed) with gzip only.

Brotli at WhiteNoise's quality takes about a minute on the API documentation's bundles at
every ``./kasane demo`` start; gzip takes a second and every browser accepts it.
"""

from __future__ import annotations

from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class GzipManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def create_compressor(self, **kwargs: Any) -> Compressor:
        return Compressor(**{**kwargs, "use_brotli": False})
