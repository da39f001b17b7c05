"""Calendar export: .ics downloads, subscription feeds and the frab schedule JSON."""
