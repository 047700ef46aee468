"""Places for tests (written through the services, as the screens do)."""

from __future__ import annotations

from typing import Any

from kasane.accounts.models import Membership
from kasane.resources import services
from kasane.resources.models import Place, Provider


def editor(city: Any) -> Membership:
    """The 事務局 of the test city (may edit the directory)."""
    return Membership.objects.select_related("organization", "user").get(user=city.secretariat)


def provider(city: Any, name: str = "NPO法人かさね") -> Provider:
    return services.provider_save(actor=editor(city), name=name, phone="03-0000-0000",
                                  description="地域の居場所づくり")


def place(city: Any, name: str = "本町の居場所", *, publish: bool = True,
          owner: Provider | None = None, **values: Any) -> Place:
    values = {"name": name, "kind": "ibasho", "address": "重ね市本町一丁目2番3号",
              "capacity": 10, "current_participants": 4, **values}
    made = services.place_save(actor=editor(city), provider=owner or provider(city, f"{name}の会"),
                               values=values)
    if publish:
        services.place_publish(actor=editor(city), place=made)
    return made
