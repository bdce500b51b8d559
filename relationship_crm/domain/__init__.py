"""Domain types shared by every layer: plain frozen dataclasses, enums and errors (no Qt, no SQL)."""
