"""Pure scheduling: time zones, recurrence rules, reminders and agendas (no clock, no database, no UI)."""
