"""./kasane match_persons: the batch run, synchronously."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kasane.people.models import MatchCandidate, MatchRun, PersonMatchKey
from kasane.people.tests.factories import make_person
from kasane.people.tests.test_matching_services import TAKAHASHI, TAKAHASHI_2

pytestmark = pytest.mark.django_db


def test_it_runs_the_batch_and_reports_figures(city) -> None:
    make_person(city.recorder, **TAKAHASHI)
    make_person(city.outsider, **TAKAHASHI_2)
    MatchCandidate.objects.all().delete()
    PersonMatchKey.objects.all().delete()
    out = StringIO()
    call_command("match_persons", "--municipality", city.municipality.code, "--rebuild-keys",
                 "--json", "--workers", "1", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[0])
    assert result["status"] == "done" and result["persons"] == 2 and result["created"] == 1
    assert MatchCandidate.objects.filter(found_by="batch").count() == 1
    assert PersonMatchKey.objects.exists()
    assert MatchRun.objects.get().trigger == "command"
    text = StringIO()
    call_command("match_persons", "--municipality", city.municipality.code, stdout=text)
    assert "候補 1 組（新規 0、再計算 1" in text.getvalue()


def test_it_refuses_an_unknown_municipality(city) -> None:
    with pytest.raises(CommandError):
        call_command("match_persons", "--municipality", "000000")
