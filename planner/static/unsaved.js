// Sending one form of a page reloads the page, and what was typed in its other forms is gone
// (the presenter's page has five: answer, title and abstract, time zone, availability,
// slides). Before that happens, ask (helper-146: a new title typed, then "Send my answer",
// and the title was back to the old one without a word). Without script nothing asks.
const ask = document.body.dataset.unsavedAsk;

// Whether a field differs from what the page came with (what the server last sent it).
function changed(field) {
  if (field.disabled || !field.name || field.type === "hidden") return false;
  if (field.type === "checkbox" || field.type === "radio") {
    return field.checked !== field.defaultChecked;
  }
  if (field.type === "file") return field.files.length > 0;
  if (field.tagName === "SELECT") {
    const options = [...field.options];
    if (field.multiple) return options.some((o) => o.selected !== o.defaultSelected);
    const first = options.findIndex((o) => o.defaultSelected);
    return field.selectedIndex !== (first === -1 ? 0 : first);
  }
  if (field.tagName === "INPUT" || field.tagName === "TEXTAREA") {
    return !["submit", "button", "reset", "image"].includes(field.type)
      && field.value !== field.defaultValue;
  }
  return false;
}

if (ask) {
  document.querySelectorAll("form").forEach((form) => {
    form.addEventListener("submit", (event) => {
      const others = [...document.forms].filter((f) => f !== form && [...f.elements].some(changed));
      if (others.length && !window.confirm(ask)) event.preventDefault();
    });
  });
}
