// The time zones to choose from (some 470, 45 kB) come from their own address, which names
// their version (data-options): the browser keeps them, compressed, rather than taking them
// again in every page with a zone field, which carries a CSRF token and so is never compressed.
// Each list is filled once they have come, a list sharing an address with another asks once.
// Without script the list is empty, and a city, a country or a zone's id typed is read as always.
const zoneLists = new Map();

function zonesFilled(list) {
  const address = list && list.dataset.options;
  if (!address) return Promise.resolve(list);
  if (!zoneLists.has(address)) {
    zoneLists.set(address, fetch(address).then((answer) => (answer.ok ? answer.text() : "")));
  }
  return zoneLists.get(address).then(
    (options) => {
      if (!list.options.length) list.innerHTML = options;
      return list;
    },
    () => list, // offline: the field still takes what is typed
  );
}

document.querySelectorAll("datalist[data-options]").forEach(zonesFilled);

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
  // The page's own words for it (in the page's language), with the place found in the list.
  zonesFilled(field.list).then((list) => {
    button.textContent = `${button.textContent.trim()} (${placeOf(mine, list)})`;
    button.hidden = false;
  });
  button.addEventListener("click", () => {
    field.value = mine;
    button.form.requestSubmit();
  });
});
