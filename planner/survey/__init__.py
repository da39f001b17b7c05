"""Surveys of IP offices: importing them, storing answers with provenance, and summarising them."""
