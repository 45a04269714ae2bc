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
