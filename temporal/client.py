"""A client for the configured Temporal service, local or remote (mTLS or API key).

Apart from worker.py so that a command-line call (or the portal) can connect without importing
the workflows, activities, letters and store that a worker serves.
"""

from __future__ import annotations

import dataclasses

from temporalio.client import Client, TLSConfig
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter

from napreview.settings import Settings
from napreview.temporal.codec import codec_from_environment


def data_converter() -> DataConverter:
    """Pydantic payloads, encrypted when NAPREVIEW_CODEC_KEYS is set (codec.py)."""
    codec = codec_from_environment()
    if codec is None:
        return pydantic_data_converter
    return dataclasses.replace(pydantic_data_converter, payload_codec=codec)


async def connect(settings: Settings) -> Client:
    """A client for the configured Temporal service, local or remote (mTLS or API key)."""
    tls: TLSConfig | bool = False
    if settings.temporal_tls or settings.temporal_tls_cert or settings.temporal_api_key:
        tls = TLSConfig(
            client_cert=settings.temporal_tls_cert.read_bytes()
            if settings.temporal_tls_cert
            else None,
            client_private_key=settings.temporal_tls_key.read_bytes()
            if settings.temporal_tls_key
            else None,
            server_root_ca_cert=settings.temporal_tls_ca.read_bytes()
            if settings.temporal_tls_ca
            else None,
            domain=settings.temporal_tls_server_name,
        )
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.namespace,
        data_converter=data_converter(),
        tls=tls,
        api_key=settings.temporal_api_key,
    )
