// "Use my time zone": the browser knows its zone (Intl); where it differs from the one the times
// are shown in, a button offers it, by its place as the list to choose from names it ("Kathmandu,
// Nepal"). Without script the zone is typed, as before.
//
// Browsers name some zones by their old ids (Chrome: "Asia/Katmandu", "Asia/Calcutta",
// "Europe/Kiev"): two ids are one zone when Intl reads them alike.
function sameZone(one, other) {
  if (one === other) return true;
  try {
    const read = (zone) => new Intl.DateTimeFormat("en", { timeZone: zone }).resolvedOptions().timeZone;
    return read(one) === read(other);
  } catch {
    return false; // an id this browser does not know
  }
}

// A zone's place as the list offers it: the option that carries its id.
function placeOf(zone, list) {
  const options = list ? Array.from(list.querySelectorAll("option[data-zone]")) : [];
  const found =
    options.find((option) => option.dataset.zone === zone) ||
    options.find((option) => sameZone(option.dataset.zone, zone));
  return found ? found.value : zone;
}

document.querySelectorAll("button[data-my-zone]").forEach((button) => {
  const mine = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!mine || mine === "UTC" || mine === "Etc/UTC" || sameZone(mine, button.dataset.myZone)) return;
  const field = button.form.elements.zone;
  // The page's own words for it (in the page's language), with the place found.
  button.textContent = `${button.textContent.trim()} (${placeOf(mine, field.list)})`;
  button.hidden = false;
  button.addEventListener("click", () => {
    field.value = mine;
    button.form.requestSubmit();
  });
});
