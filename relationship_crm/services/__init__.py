"""Domain services: one module per feature. Functions take a Session and return plain data."""
