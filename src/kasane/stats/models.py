"""The model-project report's typed texts (spec/reporting.md C): every save of a field is a new
version (append-only), so the text of any earlier save can be shown again."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ModelReportText(models.Model):
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    field_key = models.CharField("項目", max_length=40)
    version = models.PositiveIntegerField("版")
    text = models.TextField("内容", max_length=4000, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "モデル事業報告の記入"
        ordering = ["municipality", "fiscal_year", "field_key", "-version"]
        constraints = [models.UniqueConstraint(
            fields=["municipality", "fiscal_year", "field_key", "version"],
            name="model_report_text_version")]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.field_key} 第{self.version}版"
