"""The presenter of a slot: invited through a private link, they confirm or decline, see their
time in their own zone, edit their title and abstract, and add their materials."""
