"""Presentations offices volunteer, and the co-leads' review of them."""
