"""The write API of the resource directory (``services.place_save`` …)."""

from .participants import place_participants_adjust
from .places import (
    EDITABLE_FIELDS,
    ScheduleIn,
    check_place_values,
    derive_area,
    place_close,
    place_publish,
    place_save,
    place_verify,
    provider_save,
    rederive_areas,
    replace_schedules,
)

__all__ = [
    "EDITABLE_FIELDS",
    "ScheduleIn",
    "check_place_values",
    "derive_area",
    "place_close",
    "place_participants_adjust",
    "place_publish",
    "place_save",
    "place_verify",
    "provider_save",
    "rederive_areas",
    "replace_schedules",
]
