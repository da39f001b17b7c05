"""Meetings and their slots: the agenda co-leads build and publish."""
