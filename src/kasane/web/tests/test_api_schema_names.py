"""OpenAPI component names are class names: two schemas of one name overwrite each other in
/api/v1/openapi.json (issue 22: cases' PlanOut was published as pdca's, with a required
``name`` that support plans never have)."""

from ninja import Schema

import kasane.api  # noqa: F401  (registers every router)


def _schemas(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("kasane."):
            found.append(sub)
        found.extend(_schemas(sub))
    return found


def test_no_two_api_schemas_share_a_name_with_different_fields() -> None:
    by_name: dict[str, dict[str, object]] = {}
    clashes = []
    for cls in _schemas(Schema):
        fields = {k: str(v.annotation) for k, v in cls.model_fields.items()}
        seen = by_name.setdefault(cls.__name__, fields)
        if seen != fields:
            clashes.append(f"{cls.__module__}.{cls.__name__}")
    assert clashes == []


def test_the_support_plan_schema_matches_what_the_plan_endpoints_return() -> None:
    schema = kasane.api.api.get_openapi_schema()
    plan = schema["components"]["schemas"]["SupportPlanOut"]
    assert "name" not in plan["required"] and "goals" in plan["required"]
    assert "name" in schema["components"]["schemas"]["PlanOut"]["required"]  # pdca's plan
