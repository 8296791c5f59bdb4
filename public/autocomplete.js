// Tag-name suggestions for text fields that take comma-separated tag names
// (`data-autocomplete="tag"` or a tag type). Progressive enhancement only: the fields work as
// plain text without it. Suggestions come from /autocomplete/TYPE?term=… and are offered through
// a <datalist>, so the browser's own, accessible suggestion list shows them.
(() => {
  const fields = document.querySelectorAll("input[data-autocomplete]");
  fields.forEach((input, n) => {
    const list = document.createElement("datalist");
    list.id = `autocomplete-${n}`;
    input.after(list);
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    let timer;
    let asked = "";
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const parts = input.value.split(",");
        const term = parts[parts.length - 1].trim();
        if (term.length < 2 || term === asked) return;
        asked = term;
        try {
          const response = await fetch(`/autocomplete/${encodeURIComponent(input.dataset.autocomplete)}?term=${encodeURIComponent(term)}`);
          if (!response.ok) return;
          const tags = await response.json();
          // Each suggestion is the whole field's value with the last name completed.
          const before = parts.slice(0, -1).map((p) => p.trim()).filter(Boolean);
          list.replaceChildren(
            ...tags.slice(0, 15).map((tag) => {
              const option = document.createElement("option");
              option.value = [...before, tag.name].join(", ");
              return option;
            }),
          );
        } catch {
          // Suggestions are a convenience; typing still works.
        }
      }, 200);
    });
  });
})();
