"""When presenters can present: windows in their own time zone, checked against their slots."""
