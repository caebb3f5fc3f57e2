// One tap on a measure's + / − (or yes / no) records it without reloading the page.
// Without this script the same buttons post the form and the page comes back.
//
// Taps on one measure are sent one after another: sent together, their answers can
// come back in either order, and the page would show the older value last.
const queued = new WeakMap();

async function record(form, body) {
    const output = form.querySelector("output");
    try {
        const response = await fetch(form.action, {
            method: "POST",
            body,
            headers: { Accept: "application/json" },
            credentials: "same-origin",
        });
        if (!response.ok) throw new Error(response.statusText);
        // Today's value in words, in the page's language, as the server renders them.
        const { text } = await response.json();
        output.textContent = text;
    } catch {
        form.submit(); // the plain post, as without the script
    }
}

document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-measure]");
    if (!form || !event.submitter) return;
    event.preventDefault();
    const body = new FormData(form);
    body.append(event.submitter.name, event.submitter.value);
    const previous = queued.get(form) || Promise.resolve();
    queued.set(form, previous.then(() => record(form, body)));
});
