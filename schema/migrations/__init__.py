"""Alembic migrations of the archive schema (a package so that pip installs ship the scripts)."""
