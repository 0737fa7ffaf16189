"""Temporal itself: the client, the payload codec, the one place updates are sent, the embedded
dev server, the work-around for temporalio/sdk-python#1591 (update_order.py) and the one SDK
version it was tested on (sdk_version.py)."""
