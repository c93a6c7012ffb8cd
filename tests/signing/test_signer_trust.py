"""signing.signer_trust on the NCA test pack and on certificates made here: what may sign,
and that no request ever reaches a URL outside the allow-list (a loopback canary)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID

from signing.errors import FetchFailed, NcaProfileError
from signing.nca_keys import load_nca_pkcs12
from signing.pki_fetch import FetchPolicy
from signing.pki_profiles import load_profile
from signing.signer_trust import SignerTrust, check_signer, describe
from tests.signing.gost.conftest import AFTER, GOST_PASSWORD, INSIDE, PACK, pack_cert

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def pack() -> SignerTrust:
    p = load_profile("nca-test")
    return SignerTrust(p.trust_roots, p.rules, p.crls, p.ocsps)


def _rule(exc: pytest.ExceptionInfo[NcaProfileError]) -> str:
    return exc.value.details[0].rule


def test_the_pack_individual_is_admitted_inside_its_window(pack: SignerTrust) -> None:
    ind = load_nca_pkcs12(PACK / "keys/individual_gost2015.p12", GOST_PASSWORD)
    trusted = check_signer(ind.certificate, pack, INSIDE)
    assert trusted.revocation.status == "good" and trusted.revocation.source == "crl"
    assert trusted.facts is not None and trusted.facts.iin == "123456789012"
    with pytest.raises(NcaProfileError) as exc:
        check_signer(ind.certificate, pack, AFTER)
    assert _rule(exc) == "certificate_expired"


def test_the_revoked_first_head_is_refused(pack: SignerTrust) -> None:
    ceo = load_nca_pkcs12(PACK / "keys/ceo_gost2015_revoked.p12", GOST_PASSWORD)
    with pytest.raises(NcaProfileError) as exc:
        check_signer(ceo.certificate, pack, INSIDE)
    assert _rule(exc) == "certificate_revoked" and "2022-07-27" in str(exc.value)
    # without the pack's CRL nothing says so: the same certificate passes (the test could fail)
    assert check_signer(ceo.certificate, SignerTrust(pack.anchors, pack.rules), INSIDE)


def test_a_remembered_path_changes_no_verdict(pack: SignerTrust) -> None:
    # the path is validated once per certificate, chain and anchors (signer_trust._PATHS);
    # what it does not cover is still checked every time
    ceo = load_nca_pkcs12(PACK / "keys/ceo_gost2015_revoked.p12", GOST_PASSWORD)
    no_crl = SignerTrust(pack.anchors, pack.rules)
    assert check_signer(ceo.certificate, no_crl, INSIDE)  # validated and remembered
    with pytest.raises(NcaProfileError) as exc:  # revocation: checked again
        check_signer(ceo.certificate, pack, INSIDE)
    assert _rule(exc) == "certificate_revoked"
    before = ceo.certificate.not_valid_before - timedelta(days=1)
    for moment, rule in ((before, "certificate_expired"), (AFTER, "certificate_expired")):
        with pytest.raises(NcaProfileError) as exc:  # outside the validity: validated again
            check_signer(ceo.certificate, no_crl, moment)
        assert _rule(exc) == rule, moment
    with pytest.raises(NcaProfileError) as exc:  # other anchors: another path
        check_signer(ceo.certificate, SignerTrust((pack_cert("ca/nca_rsa_test.crt"),)), INSIDE)
    assert _rule(exc) == "certificate_untrusted"
    assert (
        check_signer(ceo.certificate, no_crl, INSIDE).issuer
        == check_signer(ceo.certificate, SignerTrust(pack.anchors, pack.rules), INSIDE).issuer
    )


def test_other_ca_auth_key_and_fake_iins_outside_the_test_profile(pack: SignerTrust) -> None:
    ind = load_nca_pkcs12(PACK / "keys/individual_gost2015.p12", GOST_PASSWORD)
    rsa_only = SignerTrust((pack_cert("ca/nca_rsa_test.crt"),))
    with pytest.raises(NcaProfileError) as exc:
        check_signer(ind.certificate, rsa_only, INSIDE)
    assert _rule(exc) == "certificate_untrusted"
    auth = pack_cert("certs/individual_valid_sign_2004_rsa_auth.cer")
    with pytest.raises(NcaProfileError) as exc:
        check_signer(auth, pack, INSIDE)
    assert _rule(exc) == "nca_not_signing_key"
    # production rules with the pack's CAs as anchors: the fake IIN fails its checksum
    with pytest.raises(NcaProfileError) as exc:
        check_signer(ind.certificate, SignerTrust(pack.anchors), INSIDE)
    assert _rule(exc) == "nca_iin_invalid"


def test_the_pack_rsa_signing_key_is_admitted(pack: SignerTrust) -> None:
    rsa = pack_cert("certs/individual_valid_sign_2004_rsa.cer")
    trusted = check_signer(rsa, pack, INSIDE)
    assert trusted.facts is not None and trusted.facts.holder == "individual"
    assert describe(rsa).issuer.startswith("ҰКО")


# --- certificates made here: self-signed, and one naming the canary's URLs -------------------


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


_SIGNING = x509.KeyUsage(True, True, False, False, False, False, False, False, False)


def _point(url: str) -> x509.DistributionPoint:
    return x509.DistributionPoint([x509.UniformResourceIdentifier(url)], None, None, None)


def _ocsp(url: str) -> x509.AccessDescription:
    uri = x509.UniformResourceIdentifier(url)
    return x509.AccessDescription(AuthorityInformationAccessOID.OCSP, uri)


def _leaf(
    subject_key: ec.EllipticCurvePrivateKey,
    issuer_key: ec.EllipticCurvePrivateKey,
    issuer: x509.Name,
    url: str,
) -> asn1_x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name("Канарейка"))
        .issuer_name(issuer)
        .public_key(subject_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=30))
        .add_extension(_SIGNING, critical=True)
        .add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        [x509.UniformResourceIdentifier(url + "crl")], None, None, None
                    )
                ]
            ),
            critical=False,
        )
        .add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.OCSP,
                        x509.UniformResourceIdentifier(url + "ocsp"),
                    )
                ]
            ),
            critical=False,
        )
    )
    cert = builder.sign(issuer_key, hashes.SHA256())
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _ca(key: ec.EllipticCurvePrivateKey) -> asn1_x509.Certificate:
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Canary CA"))
        .issuer_name(_name("Canary CA"))
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(NOW - timedelta(days=10))
        .not_valid_after(NOW + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class _Canary(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def _answer(self) -> None:
        _Canary.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "4")
        self.end_headers()
        self.wfile.write(b"junk")

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def canary() -> Iterator[str]:
    _Canary.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_no_request_leaves_the_allow_list(canary: str) -> None:
    ca_key, leaf_key = (
        ec.generate_private_key(ec.SECP256R1()),
        ec.generate_private_key(ec.SECP256R1()),
    )
    ca = _ca(ca_key)
    leaf = _leaf(leaf_key, ca_key, _name("Canary CA"), canary)
    nca_only = SignerTrust((ca,), fetch=FetchPolicy())  # the NCA's services only
    assert check_signer(leaf, nca_only, NOW).revocation.status == "unknown"
    # a self-signed certificate naming the canary: refused before any URL is looked at
    own = _leaf(leaf_key, leaf_key, _name("Канарейка"), canary)
    with pytest.raises(NcaProfileError) as exc:
        check_signer(own, SignerTrust((ca,), fetch=FetchPolicy((canary,))), NOW)
    assert _rule(exc) == "certificate_self_signed"
    # a certificate of an unconfigured CA with the canary allowed: refused, nothing fetched
    stranger_key = ec.generate_private_key(ec.SECP256R1())
    stranger = _leaf(leaf_key, stranger_key, _name("Canary CA"), canary)
    with pytest.raises(NcaProfileError) as exc:
        check_signer(stranger, SignerTrust((ca,), fetch=FetchPolicy((canary,))), NOW)
    assert _rule(exc) == "certificate_untrusted"
    assert _Canary.hits == []
    # the canary allowed, the certificate trusted: it is asked, and its junk is a 503
    with pytest.raises(FetchFailed):
        check_signer(leaf, SignerTrust((ca,), fetch=FetchPolicy((canary,), timeout=2)), NOW)
    assert _Canary.hits, "the allow-listed canary should have been asked"
