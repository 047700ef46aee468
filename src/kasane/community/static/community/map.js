/* 支え合いマップ (community/map.html): draws the areas (GeoJSON boundaries) and places read
 * from the page's <script type="application/json" id="community-map-data"> block with the
 * vendored Leaflet. No tile layer unless the page names an in-house tile server
 * (KASANE_MAP_TILE_URL): a blank background and no request leaves the server. */
(function () {
  "use strict";

  function start() {
    var el = document.getElementById("community-map");
    var source = document.getElementById("community-map-data");
    if (!el || !source || typeof L === "undefined") { return; }
    var data = JSON.parse(source.textContent || "{}");
    var map = L.map(el, { scrollWheelZoom: false, zoomSnap: 0.25 });
    map.attributionControl.setPrefix(false);
    if (data.tiles) {
      L.tileLayer(data.tiles, { maxZoom: 19 }).addTo(map);
    } else {
      el.classList.add("community-map-blank");
    }
    // Build every layer first: a layer added before the map has a view cannot be drawn.
    var group = L.featureGroup();
    var labels = [];
    (data.areas || []).forEach(function (area, i) {
      if (area.boundary) {
        L.geoJSON(area.boundary, {
          style: { color: "#2f6f5e", weight: 2, fillColor: ["#cfe8df", "#f3e3c3", "#dcd6f0"][i % 3], fillOpacity: 0.5 }
        }).bindTooltip(area.name + "（地域課題 " + area.open_issues + "件・担い手 " + area.helpers + "人）", { sticky: true })
          .addTo(group);
      }
      if (area.center) { labels.push(area); }
    });
    (data.places || []).forEach(function (place) {
      L.circleMarker(place.at, { radius: 6, color: "#8a4b08", weight: 2, fillColor: "#f2a93b", fillOpacity: 0.9 })
        .bindPopup(place.name + "（" + place.kind + (place.approximate ? "・位置は圏域の中心" : "") + "）")
        .addTo(group);
    });
    var bounds = group.getLayers().length ? group.getBounds() : L.latLngBounds([]);
    labels.forEach(function (area) { bounds.extend(area.center); });
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [16, 16] });
    } else {
      map.setView([35.68, 139.69], 11);
    }
    group.addTo(map);
    labels.forEach(function (area) {
      L.tooltip({ permanent: true, direction: "top", offset: [0, -28], className: "community-map-label" })
        .setLatLng(area.center).setContent(area.name).addTo(map);
    });
    el.setAttribute("data-ready", "1");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
