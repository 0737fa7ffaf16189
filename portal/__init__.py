"""The web portal (issue #9): FastAPI with server-rendered Jinja2 pages on the operations layer."""
