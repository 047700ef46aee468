"""Every audit code the code base writes has a Japanese label (``audit.labels``).

The codes are found in the source: literal actions given to the functions that write access
log rows, with the prefix each one adds (``require_case(action="plan")`` writes
``case.plan``; ``access.policy.log_action`` makes ``person.<action>``). A new code written
through one of them without a label fails here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps

from kasane.audit import labels

SRC = Path(__file__).resolve().parents[2]


def _person(action: str) -> str:
    return action if action.startswith("person.") else f"person.{action}"


# function name → (positional index of the action, or None for keyword only; code it writes)
WRITERS = {
    "access_log": (None, str), "access_log_many": (None, str), "_results": (None, str),
    "log_cases_listed": (None, str), "log_records_listed": (None, str),
    "require_record": (None, str), "_record": (2, str), "_log_login": (2, str),
    "_log_both": (2, str),
    "require_case": (None, lambda a: f"case.{a}"), "read_cases": (None, lambda a: f"case.{a}"),
    "agenda_cases": (None, lambda a: f"case.{a}"), "pack_context": (None, lambda a: f"case.{a}"),
    "require_meeting": (None, lambda a: f"meeting.{a}"), "refuse": (1, lambda a: f"meeting.{a}"),
    "_meeting": (2, lambda a: f"meeting.{a}"), "_item": (2, lambda a: f"meeting.{a}"),
    "require_person": (None, _person), "log_denied": (1, _person),
    "_consent_for": (2, _person), "_require_both": (3, _person),
    "_audit": (1, lambda a: f"pdca.{a}"),
    "deny": (1, lambda a: f"community.{a}"), "viewer": (1, lambda a: f"community.{a}"),
    "writer": (1, lambda a: f"community.{a}"),
    "require_community_view": (1, lambda a: f"community.{a}"),
    "require_community_write": (1, lambda a: f"community.{a}"),
}
# Names several apps give a writer of their own: a WRITERS entry holds only in its home app,
# the other apps' writers are listed by (app, name).
HOME = {"refuse": "meetings", "_audit": "pdca"}
APP_WRITERS = {
    ("community", "refuse"): (1, lambda a: f"community.{a}"),
    ("community", "require_write"): (1, lambda a: f"community.{a}"),
    ("community", "require_view"): (1, lambda a: f"community.{a}"),
    ("areas", "_write_log"): (1, lambda a: f"areas.{a}"),
    ("resources", "_write_log"): (1, lambda a: f"resources.{a}"),
}


def _writers(path: Path) -> dict:  # type: ignore[type-arg]
    """The writers that apply in the app ``path`` belongs to."""
    app = path.relative_to(SRC).parts[0]
    found = {name: spec for name, spec in WRITERS.items() if HOME.get(name, app) == app}
    found.update({name: spec for (where, name), spec in APP_WRITERS.items() if where == app})
    return found


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _codes() -> tuple[set[str], set[str]]:
    """(codes written with a literal action, prefixes of codes written with an f-string)."""
    codes: set[str] = set()
    prefixes: set[str] = set()

    def take(node: ast.expr | None, make) -> None:  # type: ignore[no-untyped-def]
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
            codes.add(make(node.value))
        elif isinstance(node, ast.JoinedStr) and node.values and \
                isinstance(node.values[0], ast.Constant):
            prefixes.add(make(str(node.values[0].value)))

    for path in SRC.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        writers = _writers(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _name(node.func) in writers:
                position, make = writers[_name(node.func)]
                given = next((k.value for k in node.keywords if k.arg == "action"), None)
                if given is None and position is not None and len(node.args) > position:
                    given = node.args[position]
                take(given, make)
            elif isinstance(node, ast.FunctionDef) and node.name in writers:
                _, make = writers[node.name]
                args = node.args
                named = [*args.posonlyargs, *args.args]
                for arg, default in zip(named[len(named) - len(args.defaults):], args.defaults,
                                        strict=True):
                    if arg.arg == "action":
                        take(default, make)
                for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
                    if arg.arg == "action":
                        take(default, make)
    return codes, prefixes


def test_the_scan_finds_the_codes_of_every_app() -> None:
    codes, _ = _codes()
    assert len(codes) > 70
    for code in ("sheet_record_list", "person.view", "case.plan", "meeting.pledge",
                 "pdca.grade.override", "login", "export_download", "audit_search",
                 "case.meeting.print", "person.match.unmerge", "sheet_record_bind",
                 "community.issue.create", "areas.area.save", "resources.place.save"):
        assert code in codes, code


def test_every_code_written_has_a_japanese_label() -> None:
    codes, prefixes = _codes()
    missing = sorted(code for code in codes if code not in labels.ACTIONS)
    assert not missing, f"label these in the writing app's audit_labels.py: {missing}"
    for prefix in prefixes:  # f"meeting.print.{kind}": some label must carry the prefix
        assert any(code.startswith(prefix) for code in labels.ACTIONS), prefix
    for code in labels.ACTIONS:
        assert re.search(r"[\u3040-\u9fff]", labels.action_label(code)), code  # Japanese


def test_every_model_has_a_japanese_label() -> None:
    for model in (m for config in apps.get_app_configs() for m in config.get_models()):
        if not model.__module__.startswith("kasane."):
            continue
        label = labels.object_label(model._meta.label)
        assert label != model._meta.label, model
        assert re.search(r"[\u3040-\u9fff]", label), (model, label)


@pytest.mark.parametrize(("code", "object_id", "shown"), [
    ("people.Person", 156, "本人 #156"), ("cases.Case", "12", "ケース #12"),
    ("sheet_record", 3, "帳票 #3"), ("login", "tantou_kyousei", "ログイン（tantou_kyousei）"),
    ("", "", ""), ("unknown_type", 1, "unknown_type #1"),
])
def test_it_shows_an_object_by_its_kind_and_number(code: str, object_id: object,
                                                   shown: str) -> None:
    assert labels.object_display(code, object_id) == shown


def test_it_shows_an_unknown_code_as_it_is() -> None:
    assert labels.action_label("no_such_action") == "no_such_action"
    assert labels.action_label("sheet_record_list") == "帳票の一覧表示"
    assert labels.action_label("person.view") == "本人情報の閲覧"


def test_a_code_cannot_get_two_labels() -> None:
    with pytest.raises(ValueError, match="already registered"):
        labels.register(area="ケース", actions={"case.view": "別の名前"})
