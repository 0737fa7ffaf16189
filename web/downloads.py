"""Downloads under the names people gave their files ("PAN-Sénégal-2025.pdf"), whatever the
browser: an ASCII fallback and the UTF-8 name of RFC 6266 (``filename*``)."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from fastapi.responses import Response


def disposition(filename: str) -> str:
    """The Content-Disposition of a download named ``filename``."""
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    fallback = "".join(c for c in fallback if c.isprintable() and c not in '"\\;') or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download(data: bytes | str, filename: str, media_type: str, **headers: str) -> Response:
    """A file to save, never shown in the portal's own origin."""
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": disposition(filename), **headers},
    )
