/* The case page: the map (Leaflet, outlines served by the desk itself: no tile server)
   and the keyboard shortcuts. */
(function () {
  "use strict";
  var me = document.currentScript;
  var box = document.getElementById("map");
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var INDIA = [[6.5, 68], [35.7, 97.5]];

  function same(a, b) { return (a || "").toLowerCase() === (b || "").toLowerCase(); }

  function drawMap() {
    if (!window.L || !box) return;
    var map = L.map(box, { zoomSnap: 0.25, keyboard: true, attributionControl: true });
    map.attributionControl.setPrefix("Leaflet");
    map.attributionControl.addAttribution("outlines: desk gazetteer");
    map.fitBounds(INDIA);
    var focus = L.latLngBounds([]);

    fetch(box.dataset.states, { credentials: "same-origin" }).then(function (r) { return r.json(); })
      .then(function (geo) {
        L.geoJSON(geo, { interactive: false, style: function (f) {
          return { color: "#6b7c8f", weight: same(f.properties.name, data.state) ? 2.2 : 1,
                   fillColor: "#fbfaf4", fillOpacity: 1 };
        } }).addTo(map).bringToBack();
        if (!box.dataset.districts) return;
        return fetch(box.dataset.districts, { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (districts) {
            var layer = L.geoJSON(districts, {
              style: function (f) {
                var mine = same(f.properties.name, data.district);
                return { color: mine ? "#12355b" : "#8a97a6", weight: mine ? 2.5 : 0.8, dashArray: mine ? null : "3",
                         fillColor: mine ? "#fff2b3" : "#fbfaf4", fillOpacity: mine ? 0.7 : 0 };
              },
              onEachFeature: function (f, l) {
                l.bindTooltip(f.properties.name, { sticky: true });
                if (same(f.properties.name, data.district) && !focus.isValid()) map.fitBounds(l.getBounds());
              }
            }).addTo(map);
            layer.bringToBack();
            if (!focus.isValid() && !data.district) map.fitBounds(layer.getBounds());
          });
      }).catch(function () { /* outlines are a help, not a need */ });

    data.candidates.forEach(function (c, i) {
      if (i === 0 && data.point) return; // the first candidate is the resolved district
      L.circleMarker([c.lat, c.lon], { radius: 6, color: "#fff", weight: 2, fillColor: "#f0a500", fillOpacity: 1 })
        .bindTooltip(c.name).addTo(map);
      focus.extend([c.lat, c.lon]);
    });
    data.fixes.forEach(function (f) {
      if (f.radius_m) L.circle([f.lat, f.lon], { radius: f.radius_m, color: "#6a1b9a", weight: 1.5, dashArray: "4", fillOpacity: 0.06 }).addTo(map);
      L.circleMarker([f.lat, f.lon], { radius: 5, color: "#fff", weight: 2, fillColor: "#6a1b9a", fillOpacity: 1 })
        .bindTooltip(f.at).addTo(map);
      focus.extend([f.lat, f.lon]);
    });
    if (data.point) {
      var p = [data.point.lat, data.point.lon];
      if (data.point.radius_m) L.circle(p, { radius: data.point.radius_m, color: "#a3001b", weight: 2, fillOpacity: 0.12 }).addTo(map);
      L.circleMarker(p, { radius: 7, color: "#fff", weight: 2, fillColor: "#a3001b", fillOpacity: 1 })
        .bindTooltip(data.district || "").addTo(map);
      focus.extend(p);
      if (data.point.radius_m) focus.extend(L.latLng(p).toBounds(data.point.radius_m * 2));
    }
    data.stations.forEach(function (s) {
      var icon = L.divIcon({ className: "map-station" + (s.chosen ? " chosen" : ""), iconSize: s.chosen ? [14, 14] : [9, 9] });
      L.marker([s.lat, s.lon], { icon: icon, keyboard: false, title: s.name }).bindTooltip(s.name).addTo(map);
      if (s.chosen) focus.extend([s.lat, s.lon]);
    });
    data.vehicles.forEach(function (v) {
      var icon = L.divIcon({ className: "map-vehicle" + (v.sent ? " sent" : ""), iconSize: v.sent ? [14, 14] : [10, 10] });
      L.marker([v.lat, v.lon], { icon: icon, keyboard: false, title: v.code }).bindTooltip(v.code + " · " + v.status).addTo(map);
      if (v.sent) focus.extend([v.lat, v.lon]);
    });
    if (focus.isValid()) map.fitBounds(focus.pad(0.25), { maxZoom: 12 });
  }

  drawMap();

  document.addEventListener("keydown", function (event) {
    if (window.jrTyping(event)) return;
    var go = {
      d: "confirm-dispatch", t: "trace-phone", o: "outcome-code", m: "map"
    }[event.key];
    if (go && document.getElementById(go)) { event.preventDefault(); document.getElementById(go).focus(); }
    if (event.key === "q") { event.preventDefault(); location.href = me.dataset.queue; }
  });
})();
