"""The records store: SQLAlchemy models, repositories and Alembic migrations."""
