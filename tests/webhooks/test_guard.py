"""The webhook target guard: only globally routable addresses (IPv4-mapped and 6to4 forms of a
private one count as private), at save (the model's full_clean too) and at every send; and the
POST connects to the very address that was checked, so a DNS answer that changes after the
check (rebinding) cannot redirect it, while the Host header (and TLS) still name the host."""

import socket

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dsar.models import WebhookDelivery, WebhookEndpoint
from dsar.webhooks import delivery
from tests.factories import OperatorFactory

pytestmark = pytest.mark.django_db

FORBIDDEN = [
    "100.64.0.1",  # shared address space (carrier-grade NAT)
    "100.127.255.254",
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "0.0.0.0",
    "192.0.2.10",  # documentation
    "198.18.0.1",  # benchmarking
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fc00::1",
    "fe80::1",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:100.64.0.1",
    "::ffff:169.254.169.254",
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
]
ALLOWED = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"]


def _resolving(monkeypatch, *answers):
    """getaddrinfo (it leaves the machine) answering each call with the next address list."""
    calls = []
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        if host != "hooks.example.kz":
            return real(host, port, *args, **kwargs)
        calls.append(host)
        addresses = answers[min(len(calls), len(answers)) - 1]
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return calls


@pytest.mark.parametrize("address", FORBIDDEN)
def test_it_refuses_every_address_that_is_not_global(address, settings, monkeypatch):
    settings.DSAR_WEBHOOK_ALLOW_PRIVATE = False
    _resolving(monkeypatch, ["93.184.216.34", address])
    with pytest.raises(ValidationError):
        delivery.target_check("https://hooks.example.kz/hook")


@pytest.mark.parametrize("address", ALLOWED)
def test_it_lets_global_addresses_through(address, settings, monkeypatch):
    settings.DSAR_WEBHOOK_ALLOW_PRIVATE = False
    _resolving(monkeypatch, [address])
    assert delivery.target_check("https://hooks.example.kz/hook") == [address]


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/hook", "https://[::1]/hook", "https://100.64.0.1/x"])
def test_the_models_full_clean_refuses_a_forbidden_target(url, settings):
    settings.DSAR_WEBHOOK_ALLOW_PRIVATE = False
    endpoint = WebhookEndpoint(operator=OperatorFactory(), url=url, events=[])
    with pytest.raises(ValidationError) as caught:
        endpoint.full_clean()
    assert "url" in caught.value.message_dict


def test_the_models_full_clean_allows_loopback_when_the_setting_does(settings):
    settings.DSAR_WEBHOOK_ALLOW_PRIVATE = True
    WebhookEndpoint(operator=OperatorFactory(), url="http://127.0.0.1:9/hook", events=[]).full_clean()


def test_it_connects_to_the_address_it_checked(receiver, monkeypatch):
    """The name resolves to 127.0.0.1 for the check and to 127.0.0.2 (nobody listens) after it:
    the POST still reaches the checked address, with the host name in the Host header."""
    port = receiver.server.server_port
    calls = _resolving(monkeypatch, ["127.0.0.1"], ["127.0.0.2"])
    endpoint = WebhookEndpoint.objects.create(
        operator=OperatorFactory(), url=f"http://hooks.example.kz:{port}/hook", events=[]
    )
    row = WebhookDelivery.objects.create(
        endpoint=endpoint, msg_id="msg_pin", event="request.received", payload={"a": 1}, next_attempt_at=timezone.now()
    )
    assert delivery.webhook_deliver(delivery_id=row.pk) is True
    assert len(calls) == 1  # resolved once, by the guard
    assert receiver.received[0]["headers"]["host"] == f"hooks.example.kz:{port}"


def test_it_verifies_tls_against_the_host_name_not_the_address():
    adapter = delivery.pinned_adapter(scheme="https", hostname="hooks.example.kz")
    pool = adapter.poolmanager.connection_from_url("https://93.184.216.34/")
    assert pool.conn_kw.get("server_hostname", getattr(pool, "server_hostname", None)) == "hooks.example.kz"
    assert pool.assert_hostname == "hooks.example.kz"
