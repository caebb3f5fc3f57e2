// A search box that narrows a long list of checkboxes to those whose label holds
// every word typed. The box is in the page, hidden, for browsers without
// JavaScript, which get the whole list; ticked boxes stay ticked while hidden.
(() => {
  const words = (text) => text.toLocaleLowerCase().split(/\s+/).filter(Boolean);

  function enhance(input) {
    const list = document.getElementById(input.dataset.filterCheckboxes);
    const status = document.getElementById(input.getAttribute("aria-describedby"));
    if (!list) return;
    const options = Array.from(list.querySelectorAll("input[type=checkbox]")).map(
      (checkbox) => ({
        row: checkbox.closest("div") || checkbox.parentElement,
        text: (checkbox.closest("label") || checkbox.parentElement).textContent.toLocaleLowerCase(),
      }),
    );

    function apply() {
      const wanted = words(input.value);
      let shown = 0;
      options.forEach(({ row, text }) => {
        const match = wanted.every((word) => text.includes(word));
        row.hidden = !match;
        if (match) shown += 1;
      });
      if (status) {
        status.textContent = input.dataset.statusTemplate
          .replace("__shown__", shown)
          .replace("__total__", options.length);
      }
    }

    input.addEventListener("input", apply);
    // A search box inside a form would submit it on Enter.
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault();
    });
    input.closest("[hidden]")?.removeAttribute("hidden");
    apply();
  }

  function start() {
    document.querySelectorAll("input[data-filter-checkboxes]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
