"""Settings a person gives are checked at start and refused in one line naming the variable
(issue #20 item 5): the sender of every letter above all, which a comma once split in two."""

from __future__ import annotations

from email.headerregistry import HeaderRegistry

import pytest

from napreview.settings import Settings, SettingsError, read_settings
from napreview.temporal.codec import CodecKeyError, codec_from_environment


def test_the_default_sender_is_one_address_with_its_name():
    header = HeaderRegistry()("From", Settings().smtp_from)
    assert not header.defects
    (sender,) = header.addresses
    assert sender.display_name == "UN Women, WPS Focal Points Network"
    assert sender.addr_spec == "secretariat@example.org"


@pytest.mark.parametrize(
    "value",
    [
        "UN Women, WPS Focal Points Network <wps@example.org>",  # unquoted comma: two addresses
        "wps@example.org, other@example.org",
        "nobody",
        '"WPS" <wps@example.org>\r\nBcc: someone@example.org',
    ],
)
def test_a_sender_that_is_not_one_address_is_refused_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("NAPREVIEW_SMTP_FROM", value)
    with pytest.raises(SettingsError) as refused:
        read_settings()
    assert str(refused.value).startswith("NAPREVIEW_SMTP_FROM: ")
    assert "\n" not in str(refused.value)


def test_every_unusable_variable_is_named(monkeypatch):
    monkeypatch.setenv("NAPREVIEW_SMTP_PORT", "five-eight-seven")
    monkeypatch.setenv("NAPREVIEW_SMTP_SECURITY", "maybe")
    with pytest.raises(SettingsError) as refused:
        read_settings()
    lines = str(refused.value).splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "NAPREVIEW_SMTP_PORT",
        "NAPREVIEW_SMTP_SECURITY",
    ]


def test_malformed_codec_keys_name_the_variable(monkeypatch):
    monkeypatch.setenv("NAPREVIEW_CODEC_KEYS", "k1:not-base64!")
    with pytest.raises(CodecKeyError) as refused:
        codec_from_environment()
    assert (
        str(refused.value) == "NAPREVIEW_CODEC_KEYS cannot be used: Codec key 'k1' is not base64."
    )
