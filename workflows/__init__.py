"""Temporal workflows: orchestration only. No database, template or settings imports here."""
