// "Copy link" buttons: copy the value of the field named in data-copy. Without script the
// buttons stay hidden and the link can be selected in its read-only field.
document.querySelectorAll("button[data-copy]").forEach((button) => {
  button.hidden = false;
  // Where "Copied" is said to a screen reader, which does not announce a button's new text
  // (helper-188): a live region, there before it speaks, as live regions must be.
  const said = document.createElement("span");
  said.className = "visually-hidden";
  said.setAttribute("aria-live", "polite"); // not role=status: the page's own messages have it
  button.after(said);
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copy);
    try {
      await navigator.clipboard.writeText(field.value);
    } catch {
      field.select();
      document.execCommand("copy");
    }
    button.textContent = button.dataset.copied || "Copied"; // a translated page says it its way
    // Emptied first, then said: a live region given the text it holds says nothing, so a
    // second copy would go unannounced (helper-189).
    said.textContent = "";
    setTimeout(() => {
      said.textContent = button.textContent;
    }, 100);
  });
});
