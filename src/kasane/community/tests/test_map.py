"""The offline map and the boundary import (nothing half-imported)."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kasane.people.tests.factories import actor
from kasane.resources.models import Place, Provider

from .. import services
from .factories import make_areas, square

pytestmark = pytest.mark.django_db


def _collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def _feature(code, geometry):
    return {"type": "Feature", "properties": {"code": code}, "geometry": geometry}


def test_a_geojson_file_sets_the_boundaries(city):
    areas = make_areas(city)
    done = services.boundaries_import(actor=actor(city.coordinator), data=_collection(
        _feature("N", square(139.5, 35.7)), _feature("S", square(139.5, 35.68))))
    assert {a.code for a in done} == {"N", "S"}
    areas["N"].refresh_from_db()
    assert areas["N"].boundary["type"] == "Polygon"


@pytest.mark.parametrize(("data", "text"), [
    (b"<kml></kml>", "GeoJSON として読めません"),
    (b'{"type": "Point", "coordinates": [1, 2]}', "GeoJSON として読めません"),
    (b"", "空のファイル"),
])
def test_a_file_that_is_not_geojson_is_refused(city, data, text):
    make_areas(city)
    with pytest.raises(ValidationError) as exc:
        services.boundaries_import(actor=actor(city.coordinator), data=data)
    assert text in " ".join(exc.value.messages)


def test_one_bad_feature_imports_nothing(city):
    areas = make_areas(city)
    open_ring = {"type": "Polygon", "coordinates": [[[139.5, 35.7], [139.6, 35.7], [139.6, 35.8]]]}
    with pytest.raises(ValidationError) as exc:
        services.boundaries_import(actor=actor(city.coordinator), data=_collection(
            _feature("N", square(139.5, 35.7)), _feature("C", open_ring),
            _feature("Q", square(1, 1))))
    messages = " ".join(exc.value.messages)
    assert "2番目の地物（中部）: 座標が正しくありません" in messages
    assert "3番目の地物: 圏域コード「Q」が見つかりません" in messages
    areas["N"].refresh_from_db()
    assert areas["N"].boundary is None


def test_the_upload_screen_shows_the_japanese_error(city, client):
    make_areas(city)
    client.force_login(city.coordinator)
    r = client.post("/community/map/boundaries/",
                    {"file": SimpleUploadedFile("area.geojson", b"not json")})
    assert r.status_code == 400 and "GeoJSON として読めません" in r.content.decode()
    client.force_login(city.partner)  # only 推進員 import boundaries
    r = client.post("/community/map/boundaries/",
                    {"file": SimpleUploadedFile("a.geojson", _collection(_feature("N", square(1, 1))))})
    assert r.status_code == 403


def test_the_map_page_carries_its_data_in_a_json_block_and_no_tiles_by_default(city, client):
    make_areas(city)
    services.boundaries_import(actor=actor(city.coordinator),
                               data=_collection(_feature("N", square(139.5, 35.7))))
    provider = Provider.objects.create(municipality=city.municipality, name="NPO")
    Place.objects.create(municipality=city.municipality, provider=provider, name="いばしょカフェ",
                         kind="ibasho", status="published", latitude="35.705", longitude="139.505")
    client.force_login(city.partner)
    r = client.get("/community/map/")
    html = r.content.decode()
    assert r.status_code == 200 and 'id="community-map-data" type="application/json"' in html
    start = html.index('type="application/json">') + len('type="application/json">')
    data = json.loads(html[start:html.index("</script>", start)])
    north = next(a for a in data["areas"] if a["code"] == "N")
    assert data["tiles"] == "" and north["boundary"]["type"] == "Polygon"
    assert data["places"] == [{"name": "いばしょカフェ", "kind": "居場所", "at": [35.705, 139.505],
                               "approximate": False}]
    assert "vendor/leaflet-1.9.4/leaflet.js" in html and "community/map.js" in html
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html
