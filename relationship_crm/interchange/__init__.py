"""Import and export of the formats reps already have (vCard, CSV, iCalendar, JSON): pure streams in, data out."""
