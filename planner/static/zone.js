// "Use my time zone": the browser knows its zone (Intl); where it differs from the one the times
// are shown in, a button offers it. Without script the zone is typed, as before.
document.querySelectorAll("button[data-my-zone]").forEach((button) => {
  const mine = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!mine || mine === button.dataset.myZone || mine === "UTC" || mine === "Etc/UTC") return;
  // The page's own words for it (in the page's language), with the zone found.
  button.textContent = `${button.textContent.trim()} (${mine})`;
  button.hidden = false;
  button.addEventListener("click", () => {
    const form = button.form;
    form.elements.zone.value = mine;
    form.requestSubmit();
  });
});
