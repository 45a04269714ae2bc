/*
 * The catalogue's map: a click on a unit (the "choropleth:select" event of core/choropleth.js) lists
 * the unit's entities that match the filters in the panel beside the map. Built with DOM APIs only;
 * names come from the data, so they are set with textContent, never as HTML.
 */
(function () {
  "use strict";

  const panel = document.getElementById("mapa-panel");
  const map = document.getElementById("mapa");
  if (!panel || !map) {
    return;
  }
  const texts = panel.dataset;
  const title = panel.querySelector("#mapa-panel-tytul");
  const body = panel.querySelector(".map-panel-body");
  let latest = 0;

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, (match, name) => (name in values ? String(values[name]) : match));
  }

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) {
      node.textContent = text;
    }
    if (className) {
      node.className = className;
    }
    return node;
  }

  // Only links to this site's own pages are made from the data.
  function localUrl(url) {
    return typeof url === "string" && url.startsWith("/") && !url.startsWith("//") ? url : "#";
  }

  function show(nodes) {
    body.replaceChildren(...nodes);
  }

  function render(unit, detail) {
    title.textContent = unit.name || detail.name || unit.code;
    const nodes = [element("p", format(texts.msgCode, { code: unit.code }), "text-muted small mb-2")];
    if (!unit.count) {
      nodes.push(element("p", texts.msgEmpty, "mb-0"));
      show(nodes);
      return;
    }
    if (unit.entities.length < unit.count) {
      nodes.push(element("p", format(texts.msgShown, { shown: unit.entities.length, count: unit.count }), "mb-2"));
    }
    const list = element("ul", undefined, "list-unstyled map-panel-list mb-3");
    unit.entities.forEach((entity) => {
      const item = element("li");
      const link = element("a", entity.name);
      link.href = localUrl(entity.url);
      item.appendChild(link);
      if (entity.town) {
        item.appendChild(element("span", ` · ${entity.town}`, "text-muted small"));
      }
      list.appendChild(item);
    });
    nodes.push(list);
    const all = element("a", format(texts.msgAll, { count: unit.count }), "btn btn-outline-primary btn-sm");
    all.href = localUrl(unit.catalogue_url);
    nodes.push(all);
    show(nodes);
  }

  map.addEventListener("choropleth:select", (event) => {
    const detail = event.detail;
    const request = ++latest;
    title.textContent = detail.name;
    show([element("p", texts.msgLoading, "mb-0")]);
    const url = texts.unitUrl.replace("KOD", encodeURIComponent(detail.key)) + (texts.filters ? `?${texts.filters}` : "");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => {
        if (!response.ok) {
          throw new Error(`${url} answered ${response.status}`);
        }
        return response.json();
      })
      .then((unit) => {
        if (request === latest) {
          render(unit, detail);
        }
      })
      .catch(() => {
        if (request === latest) {
          show([element("p", texts.msgError, "text-danger mb-0")]);
        }
      });
  });
})();
