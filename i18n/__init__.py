"""Translations: one catalog per language for pages, the timeline and refusals; member names
as each language writes them; dates and numbers by Babel."""
