"""TLS: a self-signed server is refused by default with a clear error; trusting its CA works.

Certificates are made for the module: a self-signed certificate for 127.0.0.1 that also acts
as a CA, and two leaves it signs, one for 127.0.0.1 and one for another host name. They are
built with the ``cryptography`` package when it is installed, else with the ``openssl``
command; without either the tests are skipped.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import shutil
import ssl
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest

from airflow_client_async import APIConnectionError
from tests.support.wire_server import WireServer, respond_with

from .conftest import DAG_BODY, JSON, ClientFactory, ServeFactory


class Leaf(NamedTuple):
    cert: Path
    key: Path


class Pki(NamedTuple):
    ca: Leaf  # self-signed, valid for IP 127.0.0.1 itself, and the issuer of the two below
    localhost: Leaf  # valid for IP 127.0.0.1
    other_host: Leaf  # valid for airflow.invalid only


def _with_cryptography(directory: Path) -> Pki:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.timezone.utc)

    def write_key(key: ec.EllipticCurvePrivateKey, path: Path) -> Path:
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        return path

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(name("airflow-client-async test CA"))
        .issuer_name(name("airflow-client-async test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_path = directory / "ca.pem"
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))

    def leaf(stem: str, alt_name: x509.GeneralName) -> Leaf:
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(name(stem))
            .issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([alt_name]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                critical=False,
            )
            .sign(ca_key, hashes.SHA256())
        )
        cert_path = directory / f"{stem}.pem"
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return Leaf(cert_path, write_key(key, directory / f"{stem}.key"))

    return Pki(
        Leaf(ca_path, write_key(ca_key, directory / "ca.key")),
        leaf("localhost", x509.IPAddress(ipaddress.ip_address("127.0.0.1"))),
        leaf("other", x509.DNSName("airflow.invalid")),
    )


def _with_openssl(directory: Path) -> Pki:
    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=directory)

    ec_key = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    run(
        *("req", "-x509", *ec_key, "-days", "1", "-subj", "/CN=airflow-client-async test CA"),
        *("-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "ca.key", "-out", "ca.pem"),
    )

    def leaf(stem: str, alt_name: str) -> Leaf:
        (directory / f"{stem}.ext").write_text(
            f"subjectAltName={alt_name}\nbasicConstraints=critical,CA:FALSE\n"
            "extendedKeyUsage=serverAuth\n"
        )
        run("req", "-new", *ec_key, "-subj", f"/CN={stem}", "-keyout", f"{stem}.key")
        run(*("req", "-new", "-key", f"{stem}.key", "-subj", f"/CN={stem}", "-out", f"{stem}.csr"))
        run(
            *("x509", "-req", "-in", f"{stem}.csr", "-CA", "ca.pem", "-CAkey", "ca.key"),
            *("-CAcreateserial", "-days", "1", "-extfile", f"{stem}.ext", "-out", f"{stem}.pem"),
        )
        return Leaf(directory / f"{stem}.pem", directory / f"{stem}.key")

    return Pki(
        Leaf(directory / "ca.pem", directory / "ca.key"),
        leaf("localhost", "IP:127.0.0.1"),
        leaf("other", "DNS:airflow.invalid"),
    )


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    directory = tmp_path_factory.mktemp("pki")
    try:
        import cryptography  # noqa: F401
    except ImportError:
        if shutil.which("openssl") is None:
            pytest.skip("needs the cryptography package or the openssl command")
        return _with_openssl(directory)
    return _with_cryptography(directory)


def tls_server(serve: ServeFactory, leaf: Leaf) -> WireServer:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(leaf.cert, leaf.key)
    return serve(respond_with(200, [JSON], DAG_BODY), ssl_context=context)


@pytest.mark.parametrize(
    ("served", "why"),
    [
        pytest.param("ca", "self-signed certificate", id="self-signed"),
        pytest.param("localhost", "unable to get local issuer certificate", id="private-ca"),
    ],
)
async def test_an_untrusted_certificate_is_refused_by_default_saying_why(
    serve: ServeFactory, connect: ClientFactory, pki: Pki, served: str, why: str
) -> None:
    server = tls_server(serve, getattr(pki, served))
    client = connect(server.url)

    with pytest.raises(APIConnectionError) as caught:
        await client.dags.get("etl")

    assert type(caught.value) is APIConnectionError
    message = str(caught.value)
    assert "GET /api/v1/dags/etl failed: ConnectError" in message
    assert "CERTIFICATE_VERIFY_FAILED" in message
    assert why in message
    assert server.requests == []  # not one byte of HTTP, credentials included


async def test_trigger_to_an_untrusted_server_never_sends_its_body(
    serve: ServeFactory, connect: ClientFactory, pki: Pki
) -> None:
    server = tls_server(serve, pki.ca)
    client = connect(server.url)

    with pytest.raises(APIConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
        await client.dag_runs.trigger("etl", conf={"secret": "x"})

    assert server.requests == []


@pytest.mark.parametrize("served", ["ca", "localhost"], ids=["self-signed", "private-ca"])
async def test_a_ca_bundle_given_as_verify_is_trusted(
    serve: ServeFactory, connect: ClientFactory, pki: Pki, served: str
) -> None:
    server = tls_server(serve, getattr(pki, served))
    client = connect(server.url, verify=str(pki.ca.cert))

    dag = await client.dags.get("etl")

    assert dag.dag_id == "etl"
    [received] = server.requests
    assert received.request_line == "GET /api/v1/dags/etl HTTP/1.1"
    assert received.header_values("Authorization") != []


async def test_an_ssl_context_given_as_verify_is_used(
    serve: ServeFactory, connect: ClientFactory, pki: Pki
) -> None:
    server = tls_server(serve, pki.localhost)
    client = connect(server.url, verify=ssl.create_default_context(cafile=str(pki.ca.cert)))

    assert (await client.dags.get("etl")).dag_id == "etl"


async def test_a_trusted_certificate_for_another_host_is_refused(
    serve: ServeFactory, connect: ClientFactory, pki: Pki
) -> None:
    server = tls_server(serve, pki.other_host)
    client = connect(server.url, verify=str(pki.ca.cert))

    with pytest.raises(APIConnectionError) as caught:
        await client.dags.get("etl")

    assert type(caught.value) is APIConnectionError
    assert "IP address mismatch" in str(caught.value)
    assert server.requests == []


async def test_verification_turned_off_explicitly_connects(
    serve: ServeFactory, connect: ClientFactory, pki: Pki
) -> None:
    server = tls_server(serve, pki.other_host)
    client = connect(server.url, verify=False)

    assert (await client.dags.get("etl")).dag_id == "etl"
