"""Letter templates per language (en/, fr/, es/) on a shared base layout; package data."""
