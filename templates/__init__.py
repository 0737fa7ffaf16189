"""Every Jinja2 template, one folder per use: letters/ (per language, on shared layouts) and
portal/ (the pages); package data."""
