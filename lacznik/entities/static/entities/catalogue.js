// The catalogue's territory pickers: a new voivodeship forgets the powiat and gmina chosen in the
// old one, a new powiat forgets the gmina, so the filters never contradict each other. The pickers
// are replaced after every search (htmx, out of band), so the listener sits on the document.
"use strict";
document.addEventListener("change", (event) => {
  const narrower = { id_woj: ["id_pow", "id_gmi"], id_pow: ["id_gmi"] }[event.target.id];
  for (const id of narrower || []) {
    const picker = document.getElementById(id);
    if (picker) picker.value = "";
  }
});

// On a phone the filters start closed, so that the results come right after the search box.
const filters = document.getElementById("filtry");
if (filters && window.matchMedia("(max-width: 991.98px)").matches) filters.open = false;

// A search's address carries only the filters in use (?q=catering, not ?q=catering&ps=&cpv=&znak=).
document.addEventListener("htmx:configRequest", (event) => {
  const data = event.detail.formData;
  if (!data || event.detail.target.id !== "wyniki") return;
  for (const [name, value] of Array.from(data.entries())) {
    if (value === "") data.delete(name);
  }
});

// After a search the focus moves to the new count, wherever the button was: it is read out, and the
// results are in view.
document.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target.id !== "wyniki") return;
  const count = document.getElementById("liczba-wynikow");
  if (count) count.focus();
});
