"""Matching offices that want a topic discussed with offices that have something to show."""
