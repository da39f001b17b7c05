// A form sent back with errors: move to its summary, so that a person on a small screen (where
// it may be far below the top) sees at once why nothing was saved, and a screen reader reads it.
const summary = document.querySelector(".error-summary");
if (summary) {
  if (!summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
  summary.scrollIntoView({ block: "center" });
  summary.focus({ preventScroll: true });
}
