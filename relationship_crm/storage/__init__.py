"""Storage: the SQLite file, its schema (SQLAlchemy 2 typed ORM) and Alembic migrations."""
