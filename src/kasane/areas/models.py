"""Areas (圏域) as a tenant's master data and the address → area table (issue 17).

``Area`` is a 日常生活圏域, 小地域 or 民生委員地区 with a code unique per tenant and kind, an
optional parent and an optional GeoJSON boundary. ``AddressArea`` maps an address prefix
(町丁目, e.g. 「重ね市本町一丁目」) to one area of each kind; a person's or place's area is
*derived* from its address through :func:`kasane.areas.selectors.area_for_address` (the longest
matching prefix), never typed and never guessed. Written only by ``areas.services``.
Not personal data.
"""

from __future__ import annotations

from django.db import models


class AreaKind(models.TextChoices):
    """Kinds in the order of the contract (GET /api/v1/areas lists them in this order)."""

    DAILY_LIFE_AREA = "daily_life_area", "日常生活圏域"
    SMALL_AREA = "small_area", "小地域"
    MINSEI_DISTRICT = "minsei_district", "民生委員地区"


KIND_ORDER = {kind.value: i for i, kind in enumerate(AreaKind)}


class Area(models.Model):
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    kind = models.CharField("種別", max_length=20, choices=AreaKind.choices)
    code = models.CharField("コード", max_length=20)
    name = models.CharField("名称", max_length=100)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="children", verbose_name="上位の圏域")
    boundary = models.JSONField("境界（GeoJSON）", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "圏域"
        ordering = ["municipality", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "kind", "code"],
                                    name="area_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class AddressArea(models.Model):
    """One row of the address table: addresses starting with ``prefix`` lie in ``area``.

    ``prefix_key`` is the matching key (``kasane.core.text.normalize_address`` with a trailing
    丁目 folded so 「本町一丁目」 covers 「本町1-4-5」); ``kind`` repeats ``area.kind`` so that a
    prefix maps to at most one area of each kind.
    """

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    prefix = models.CharField("住所（町丁目まで）", max_length=200)
    prefix_key = models.CharField(max_length=200, editable=False)
    kind = models.CharField("種別", max_length=20, choices=AreaKind.choices, editable=False)
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="addresses",
                             verbose_name="圏域")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "住所と圏域の対応"
        ordering = ["municipality", "prefix_key", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "prefix_key", "kind"],
                                    name="address_area_unique"),
        ]
        indexes = [models.Index(fields=["municipality", "kind"], name="address_area_kind")]

    def __str__(self) -> str:
        return f"{self.prefix} → {self.area}"
