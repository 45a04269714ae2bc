/*
 * Łącznik: a choropleth of counts per voivodeship, powiat or gmina, drawn by Leaflet from GeoJSON
 * boundaries alone (no tile server, nothing from another host; runs under the strict CSP).
 *
 * Every element with `data-choropleth` becomes a map when this file loads (after leaflet.js):
 *   data-boundaries   URL of the GeoJSON layer (features with properties {terc, name})
 *   data-counts       URL of JSON {"counts": {join key: count}}
 *   data-digits       length of the join key: 2 voivodeship, 4 powiat, 6 gmina (first 6 of 7 digits)
 *   data-outline      optional URL of a layer drawn on top as thick borders (e.g. the voivodeships)
 *   data-focus        optional TERYT prefix to zoom to
 *   data-legend-title, data-msg-none, data-msg-count ("… {count}"), data-msg-loading, data-msg-error,
 *   data-msg-zoom-in, data-msg-zoom-out, data-attribution: the texts, translated by the template.
 * The element must not be `hidden` when it is drawn: put the hidden attribute on a wrapper marked
 * `data-map-part` and this file shows it.
 *
 * A categorical map: when the JSON also has "categories": [{value, label, colour}], each count is
 * the value of a category (e.g. a stage of a programme): units take its colour ("#rrggbb"), the
 * tooltip and the legend its label, and units missing from "counts" are drawn grey with
 * data-msg-none (outside the territory shown).
 *
 * A click on a unit dispatches the DOM event "choropleth:select" on the element with
 * detail {key, name, count} (and `category`, its label, on a categorical map);
 * window.LacznikChoropleth.mount(element) draws one by hand.
 * Texts from the data are only ever set with textContent.
 */
(function () {
  "use strict";

  // ColorBrewer "Blues" (sequential; readable by people with colour-vision deficiencies).
  const PALETTE = ["#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
  const EMPTY = "#f8f9fa";
  // A categorical map: the units outside the territory shown (grey, unlike any category).
  const OUTSIDE = "#d9dee4";
  const BORDER = "#5c6670";
  const SELECTED = "#111111";
  const POLAND = [[49.0, 14.1], [54.9, 24.2]];
  const COLOUR = /^#[0-9a-fA-F]{6}$/;
  const layers = new Map();

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then((response) => {
      if (!response.ok) {
        throw new Error(`${url} answered ${response.status}`);
      }
      return response.json();
    });
  }

  // Boundary layers are big (the gminas: 3 MB) and the same for every map on the page.
  function loadLayer(url) {
    if (!layers.has(url)) {
      layers.set(url, fetchJson(url));
    }
    return layers.get(url);
  }

  // GUS writes voivodeships in capitals ("MAZOWIECKIE"); people write "Mazowieckie".
  function displayName(name) {
    const text = String(name || "");
    return text === text.toUpperCase() ? text.charAt(0) + text.slice(1).toLowerCase() : text;
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, (match, name) => (name in values ? String(values[name]) : match));
  }

  // Upper bounds of at most PALETTE.length classes of the positive counts: quantiles, so that every
  // colour is used, with no two classes sharing a bound.
  function breaks(values) {
    const sorted = values.filter((value) => value > 0).sort((a, b) => a - b);
    if (!sorted.length) {
      return [];
    }
    const bounds = [];
    for (let i = 1; i <= PALETTE.length; i += 1) {
      const bound = sorted[Math.min(sorted.length - 1, Math.ceil((i * sorted.length) / PALETTE.length) - 1)];
      if (!bounds.length || bound > bounds[bounds.length - 1]) {
        bounds.push(bound);
      }
    }
    return bounds;
  }

  function colourOf(count, bounds) {
    if (!count) {
      return EMPTY;
    }
    let index = bounds.findIndex((bound) => count <= bound);
    if (index === -1) {
      index = bounds.length - 1;
    }
    // With fewer classes than colours, spread them over the palette, light to dark.
    if (bounds.length === 1) {
      return PALETTE[3];
    }
    return PALETTE[Math.round((index * (PALETTE.length - 1)) / (bounds.length - 1))];
  }

  // The categories of a categorical map by value ({label, colour}), or null for a map of counts.
  function categoriesOf(answer) {
    if (!Array.isArray(answer.categories)) {
      return null;
    }
    const byValue = new Map();
    answer.categories.forEach((category, index) => {
      const colour = COLOUR.test(String(category.colour)) ? category.colour : PALETTE[Math.min(index, PALETTE.length - 1)];
      byValue.set(Number(category.value), { label: String(category.label), colour });
    });
    return byValue;
  }

  function countEntries(bounds, noneLabel) {
    const entries = [[EMPTY, `0 (${noneLabel})`]];
    let lower = 1;
    bounds.forEach((bound) => {
      entries.push([colourOf(bound, bounds), lower === bound ? String(bound) : `${lower}–${bound}`]);
      lower = bound + 1;
    });
    return entries;
  }

  function categoryEntries(categories, noneLabel) {
    const entries = Array.from(categories.values(), (category) => [category.colour, category.label]);
    entries.push([OUTSIDE, noneLabel]);
    return entries;
  }

  // On a phone the legend would cover the south of the country: below 576 px it is shown under the
  // map instead, and goes back onto the map when the window widens.
  const NARROW = window.matchMedia("(max-width: 575.98px)");

  function legend(map, element, title, entries) {
    const box = L.DomUtil.create("div", "choropleth-legend");
    const heading = L.DomUtil.create("p", "choropleth-legend-title", box);
    heading.textContent = title;
    const list = L.DomUtil.create("ul", "choropleth-legend-list", box);
    entries.forEach(([colour, label]) => {
      const item = L.DomUtil.create("li", "", list);
      const swatch = L.DomUtil.create("span", "choropleth-swatch", item);
      swatch.style.backgroundColor = colour;
      item.appendChild(document.createTextNode(label));
    });
    const control = L.control({ position: "bottomright" });
    control.onAdd = () => box;
    const place = () => {
      if (NARROW.matches) {
        control.remove();
        box.classList.remove("leaflet-control");
        box.classList.add("choropleth-legend-below");
        element.after(box);
      } else {
        box.remove();
        box.classList.remove("choropleth-legend-below");
        control.addTo(map);
      }
    };
    place();
    NARROW.addEventListener("change", place);
  }

  function mount(element) {
    if (element.dataset.choroplethState) {
      return null;
    }
    element.dataset.choroplethState = "loading";
    const data = element.dataset;
    const digits = Number(data.digits || 2);
    const keyOf = (feature) => String(feature.properties.terc).slice(0, digits);
    const part = element.closest("[data-map-part]");
    if (part) {
      part.hidden = false;
    }
    const status = document.createElement("p");
    status.className = "choropleth-status";
    status.textContent = data.msgLoading || "…";
    element.appendChild(status);

    const map = L.map(element, {
      zoomSnap: 0.25,
      zoomDelta: 0.5,
      minZoom: 5,
      maxZoom: 12,
      maxBounds: L.latLngBounds(POLAND).pad(0.3),
      zoomControl: false,
      attributionControl: false,
    });
    map.fitBounds(POLAND);
    L.control.zoom({ zoomInTitle: data.msgZoomIn || "+", zoomOutTitle: data.msgZoomOut || "−" }).addTo(map);
    const attribution = L.control.attribution({ prefix: false }).addTo(map);
    if (data.attribution) {
      attribution.addAttribution(data.attribution.replace(/[<>&]/g, ""));
    }

    const requests = [loadLayer(data.boundaries), fetchJson(data.counts)];
    if (data.outline) {
      requests.push(loadLayer(data.outline));
    }
    const controller = { map, element, layer: null, counts: {} };
    Promise.all(requests)
      .then(([shapes, answer, outline]) => {
        const counts = answer.counts || {};
        const categories = categoriesOf(answer);
        const bounds = categories ? [] : breaks(Object.values(counts));
        const has = (key) => Object.prototype.hasOwnProperty.call(counts, key);
        const categoryOf = (key) => (categories && has(key) ? categories.get(Number(counts[key])) : undefined);
        const fillOf = (key) => {
          if (!categories) {
            return colourOf(counts[key] || 0, bounds);
          }
          const category = categoryOf(key);
          return category ? category.colour : OUTSIDE;
        };
        const describe = (key) => {
          if (!categories) {
            return format(data.msgCount || "{count}", { count: counts[key] || 0 });
          }
          const category = categoryOf(key);
          return category ? category.label : data.msgNone || "";
        };
        const weight = digits === 6 ? 0.4 : digits === 4 ? 0.7 : 1.2;
        let selected = null;
        const styleOf = (feature) => ({
          color: BORDER,
          weight,
          opacity: 1,
          fillColor: fillOf(keyOf(feature)),
          fillOpacity: 1,
        });
        const layer = L.geoJSON(shapes, {
          style: styleOf,
          onEachFeature(feature, shape) {
            const key = keyOf(feature);
            // The join key on the SVG path, for tests and for styling one unit. Out of the Tab order:
            // Chromium makes every shape a stop (2,477 gminas to pass); the table beside the map is the
            // keyboard's way to the same units.
            shape.once("add", () => {
              shape.getElement().setAttribute("data-teryt", key);
              shape.getElement().setAttribute("tabindex", "-1");
            });
            shape.bindTooltip(
              () => {
                const box = document.createElement("div");
                const name = document.createElement("strong");
                name.textContent = displayName(feature.properties.name);
                box.appendChild(name);
                box.appendChild(document.createElement("br"));
                box.appendChild(document.createTextNode(describe(key)));
                return box;
              },
              { sticky: true, direction: "top", className: "choropleth-tooltip" },
            );
            shape.on("mouseover", () => {
              if (shape !== selected) {
                shape.setStyle({ weight: weight + 1.2, color: "#1b1f24" });
              }
            });
            shape.on("mouseout", () => {
              if (shape !== selected) {
                shape.setStyle({ weight, color: BORDER });
              }
            });
            shape.on("click", () => {
              if (selected) {
                selected.setStyle({ weight, color: BORDER });
              }
              selected = shape;
              shape.setStyle({ weight: 3, color: SELECTED });
              shape.bringToFront();
              const detail = { key, name: displayName(feature.properties.name), count: counts[key] || 0 };
              if (categories) {
                detail.category = describe(key);
              }
              element.dispatchEvent(new CustomEvent("choropleth:select", { bubbles: true, detail }));
            });
          },
        }).addTo(map);
        if (outline) {
          L.geoJSON(outline, { interactive: false, style: { color: "#1b1f24", weight: 1.6, fill: false } }).addTo(map);
        }
        const focus = data.focus || "";
        if (focus) {
          const chosen = layer.getLayers().filter((shape) => {
            const key = keyOf(shape.feature);
            return key.startsWith(focus.slice(0, digits)) || focus.startsWith(key);
          });
          if (chosen.length) {
            map.fitBounds(L.featureGroup(chosen).getBounds(), { padding: [12, 12] });
          }
        }
        const entries = categories
          ? categoryEntries(categories, data.msgNone || "—")
          : countEntries(bounds, data.msgNone || "0");
        legend(map, element, data.legendTitle || "", entries);
        status.remove();
        controller.layer = layer;
        controller.counts = counts;
        element.dataset.choroplethState = "ready";
      })
      .catch((error) => {
        status.textContent = data.msgError || String(error);
        status.classList.add("choropleth-error");
        element.dataset.choroplethState = "failed";
      });
    return controller;
  }

  window.LacznikChoropleth = { mount, breaks, colourOf, displayName, PALETTE, EMPTY, OUTSIDE };
  document.querySelectorAll("[data-choropleth]").forEach(mount);
})();
