"""Import and export: vCard, CSV, iCalendar and JSON as pure streams in, plain data out."""
