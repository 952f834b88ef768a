/* The map (应急一张图) on Leaflet: storage points by kind with their stock, open incidents, readiness by township
   and the reach of an incident, fetched as GeoJSON from this server in the user's scope. Tiles only when
   configured (SUPPLIES_MAP_TILES): without them the places are drawn alone, so the map works offline. */
(function () {
  "use strict";

  var KIND_COLOURS = {
    depot: "#1f77b4", prepositioned: "#2ca02c", shelter: "#9467bd", agreement: "#ff7f0e", factory: "#8c564b"
  };

  function coverageColour(c) {
    // Red (nothing in reach) through amber to green (every need covered).
    if (c >= 0.999) { return "#2ca02c"; }
    if (c >= 0.6) { return "#ffbf00"; }
    if (c >= 0.3) { return "#ff7f0e"; }
    return "#d62728";
  }

  function radius(available, biggest) {
    return 5 + 9 * Math.sqrt((available || 0) / (biggest || 1));
  }

  // Popups are built as DOM nodes with textContent: names come from the database, never as HTML.
  function node(tag, text, cls) {
    var el = document.createElement(tag);
    if (text !== undefined && text !== null) { el.textContent = String(text); }
    if (cls) { el.className = cls; }
    return el;
  }

  function table(rows) {
    var t = node("table");
    rows.forEach(function (r) {
      var tr = node("tr");
      tr.appendChild(node("td", r[0]));
      tr.appendChild(node("td", r[1], "text-right"));
      t.appendChild(tr);
    });
    return t;
  }

  function number(n) { return Number(n).toLocaleString(); }

  function pointPopup(p, words) {
    var box = node("div");
    box.appendChild(node("strong", p.code + " " + p.name));
    box.appendChild(node("div", (words.kinds[p.kind] || p.kind) + (p.agency ? " · " + p.agency : ""), "text-muted small"));
    var classes = Object.keys(p.stock || {});
    if (p.eta_hours !== undefined) {
      box.appendChild(node("div", words.eta + ": " + p.eta_hours));
    }
    if (classes.length) {
      box.appendChild(node("div", words.stock, "small mt-1"));
      box.appendChild(table(classes.map(function (c) { return [c, number(p.stock[c])]; })));
    } else {
      box.appendChild(node("div", words.none, "small mt-1"));
    }
    return box;
  }

  function incidentPopup(p, words) {
    var box = node("div");
    box.appendChild(node("strong", "#" + p.id + " " + p.name));
    box.appendChild(node("div", words.people + ": " + number(p.population), "small"));
    return box;
  }

  function townshipPopup(p, words) {
    var box = node("div");
    box.appendChild(node("strong", p.name + " (" + p.code + ")"));
    box.appendChild(node("div", words.coverage + ": " + Math.round(100 * p.coverage) + "%"));
    if (p.short_needs.length) {
      var needs = p.short_needs.map(function (n) { return (words.needs && words.needs[n]) || n; });
      box.appendChild(node("div", words.short + ": " + needs.join("、"), "small text-danger"));
    }
    return box;
  }

  function getJSON(url) {
    return fetch(url, {credentials: "same-origin", headers: {Accept: "application/geo+json"}}).then(function (r) {
      if (!r.ok) { return r.json().then(function (e) { throw new Error(e.reason || r.statusText); }); }
      return r.json();
    });
  }

  function start(el) {
    var cfg = JSON.parse(el.getAttribute("data-map"));
    var words = cfg.words;
    var map = L.map(el, {zoomSnap: 0.25});
    map.attributionControl.setPrefix(cfg.prefix);
    cfg.tiles.forEach(function (url) {
      L.tileLayer(url, {
        attribution: cfg.attribution, subdomains: cfg.subdomains, maxZoom: 18,
        referrerPolicy: "strict-origin"  // tile services that check the site's key by its origin (天地图)
      }).addTo(map);
    });
    map.setView([35, 105], 4);  // until the places are in: the whole country
    var control = L.control.layers(null, {}, {collapsed: cfg.page !== "full"}).addTo(map);
    var everything = L.latLngBounds([]);
    var message = node("div", "", "map-message");
    el.appendChild(message);

    function add(layer, name, shown) {
      if (shown) { layer.addTo(map); }
      control.addOverlay(layer, name);
      if (layer.getLayers().length && layer.getBounds().isValid()) { everything.extend(layer.getBounds()); }
    }

    var townships = cfg.page === "full" ? getJSON(cfg.urls.townships).then(function (fc) {
      var layer = L.geoJSON(fc, {
        style: function (f) {
          var colour = coverageColour(f.properties.coverage);
          return {color: colour, weight: 2, fillColor: colour, fillOpacity: 0.25, className: "map-township"};
        },
        pointToLayer: function (f, ll) {
          var colour = coverageColour(f.properties.coverage);
          return L.circleMarker(ll, {radius: 16, color: colour, weight: 2, fillColor: colour, fillOpacity: 0.25,
                                     className: "map-township"});
        },
        onEachFeature: function (f, l) { l.bindPopup(townshipPopup(f.properties, words)); }
      });
      add(layer, words.townships, true);
    }) : Promise.resolve();

    var points = getJSON(cfg.urls.points).then(function (fc) {
      var biggest = fc.features.reduce(function (m, f) { return Math.max(m, f.properties.available); }, 1);
      Object.keys(KIND_COLOURS).concat(["other"]).forEach(function (kind) {
        var known = kind !== "other";
        var layer = L.geoJSON(fc, {
          filter: function (f) { return known ? f.properties.kind === kind : !(f.properties.kind in KIND_COLOURS); },
          pointToLayer: function (f, ll) {
            var p = f.properties;
            return L.circleMarker(ll, {
              radius: radius(p.available, biggest), color: "#fff", weight: 1, fillOpacity: p.status === "closed" ? 0.35 : 0.9,
              fillColor: KIND_COLOURS[p.kind] || "#6c757d", className: "map-point kind-" + p.kind
            }).bindTooltip(p.code + " " + p.name);
          },
          onEachFeature: function (f, l) { l.bindPopup(pointPopup(f.properties, words)); }
        });
        if (layer.getLayers().length) {
          add(layer, (words.kinds[kind] || kind) + " (" + layer.getLayers().length + ")", true);
        }
      });
    });

    var incidents = getJSON(cfg.urls.incidents).then(function (fc) {
      var layer = L.geoJSON(fc, {
        pointToLayer: function (f, ll) {
          return L.circleMarker(ll, {radius: 10, color: "#d62728", weight: 3, fill: false, className: "map-incident"})
            .bindTooltip("#" + f.properties.id + " " + f.properties.name);
        },
        onEachFeature: function (f, l) { l.bindPopup(incidentPopup(f.properties, words)); }
      });
      add(layer, words.incidents, true);
    });

    Promise.all([townships, points, incidents]).then(function () {
      if (everything.isValid()) {
        map.fitBounds(everything.pad(0.08), {maxZoom: 13});
      } else {
        message.textContent = words.empty;
      }
      el.setAttribute("data-ready", "1");
    }).catch(function (e) {
      message.textContent = words.failed + " " + e.message;
      el.setAttribute("data-ready", "error");
    });

    // The reach of an incident: which points can deliver within so many hours (the full page's form).
    var form = document.getElementById("reach-form");
    if (form) {
      var reach = null;
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var q = new URLSearchParams(new FormData(form));
        q.delete("csrf_token");
        var result = document.getElementById("reach-result");
        getJSON(cfg.urls.reach + "?" + q.toString()).then(function (fc) {
          if (reach) { control.removeLayer(reach); map.removeLayer(reach); }
          reach = L.featureGroup();
          var at = L.latLng(fc.incident.coordinates[1], fc.incident.coordinates[0]);
          fc.features.forEach(function (f) {
            var ll = L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]);
            L.polyline([ll, at], {color: "#e377c2", weight: 2, dashArray: "4 4", className: "map-reach-line"}).addTo(reach);
            L.circleMarker(ll, {radius: 9, color: "#e377c2", weight: 3, fill: false, className: "map-reach"})
              .bindPopup(pointPopup(f.properties, words)).addTo(reach);
          });
          reach.addTo(map);
          control.addOverlay(reach, words.reach);
          result.textContent = words.reached.replace("%(n)s", fc.features.length).replace("%(hours)s", fc.hours);
          result.className = "ml-2";
          if (fc.features.length) { map.fitBounds(reach.getBounds().extend(at).pad(0.1), {maxZoom: 13}); }
        }).catch(function (e) {
          result.textContent = e.message;
          result.className = "ml-2 text-danger";
        });
      });
    }
  }

  document.querySelectorAll(".supply-map[data-map]").forEach(start);
})();
