"""Domain types shared by every layer: frozen dataclasses, enums, errors (no Qt, no SQL)."""
