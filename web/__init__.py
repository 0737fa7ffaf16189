"""The web portal: FastAPI with server-rendered Jinja2 pages (templates/portal/) on the services."""
