// Parse iCalendar text from standard input with ical.js and print what a client would see, as
// JSON: the calendar's properties, and each event's UID, SEQUENCE, times (UTC), STATUS and
// SUMMARY. TZIDs that no VTIMEZONE defines are listed: ical.js would silently float them.
import ICAL from "ical.js";

let text = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) text += chunk;

const calendar = new ICAL.Component(ICAL.parse(text));
const defined = new Set(
  calendar.getAllSubcomponents("vtimezone").map((z) => z.getFirstPropertyValue("tzid")),
);
const undefinedZones = [];
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  for (const name of ["dtstart", "dtend"]) {
    const zone = component.getFirstProperty(name)?.getParameter("tzid");
    if (zone && !defined.has(zone)) undefinedZones.push(zone);
  }
  const event = new ICAL.Event(component);
  return {
    uid: event.uid,
    sequence: event.sequence,
    start: event.startDate.toJSDate().toISOString(),
    end: event.endDate.toJSDate().toISOString(),
    utc: event.startDate.zone === ICAL.Timezone.utcTimezone,
    status: component.getFirstPropertyValue("status"),
    summary: event.summary,
    description: event.description,
    location: event.location,
  };
});
console.log(
  JSON.stringify({
    name: calendar.getFirstPropertyValue("name"),
    refresh: calendar.getFirstProperty("refresh-interval")?.type ?? null,
    components: calendar.getAllSubcomponents().map((c) => c.name),
    undefinedZones,
    events,
  }),
);
