// The messages a page opens with ("Slot saved.", "Sent to …"). A screen reader says a live
// region's text only when it changes, not what it held from the start (helper-188): they are said
// again through a live region of their own. A page opened at a row or a heading (#slot-3, after a
// save or a move from it; #talk-heading) scrolls to it, past the messages at its top: they are
// moved under it, in sight, where the eyes and the keyboard are.
const messages = [...document.querySelectorAll("[data-flashed]")];
// The id the address ends with, percent-decoded as the browser reads it. "#%" (typed, or cut
// short) is no percent-encoding: decoding it threw a URIError, and the messages went unsaid.
function fragment() {
  const written = location.hash.slice(1);
  try {
    return decodeURIComponent(written);
  } catch {
    return written;
  }
}
if (messages.length) {
  const id = fragment();
  const target = id && document.getElementById(id);
  if (target && target.tagName === "TR") {
    const under = document.createElement("tr");
    under.className = "flashed-row";
    const cell = document.createElement("td");
    cell.colSpan = target.cells.length;
    cell.append(...messages);
    under.append(cell);
    target.after(under);
  } else if (target) {
    // A heading (#talk-heading) or a section (#slots): under the heading it opens at. Any
    // other element keeps them at the top: in a field (#title) they would be out of sight.
    const heading = /^H[1-6]$/.test(target.tagName)
      ? target
      : target.querySelector("h1, h2, h3, h4, h5, h6");
    if (heading) heading.after(...messages);
  }
  const said = document.createElement("div");
  said.className = "visually-hidden";
  said.setAttribute("aria-live", "polite");
  document.body.append(said);
  // Filled once the region is there: a region created with its text says nothing.
  setTimeout(() => {
    said.textContent = messages.map((message) => message.textContent.trim()).join(" ");
  }, 250);
}
