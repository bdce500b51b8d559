"""Pure scheduling: time zones, recurrences, reminders, agendas (no clock, database or UI)."""
