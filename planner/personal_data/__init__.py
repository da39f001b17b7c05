"""Personal data of the people the planner writes to (office contacts, volunteers, presenters):
what it holds about an address, exported for them or erased at their request, and how long
messages and private links are kept."""
