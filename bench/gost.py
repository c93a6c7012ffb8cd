"""GOST R 34.10-2015 / Streebog figures next to their aims (issue 12: <= 5 ms median on one
core for one 512-bit verification and one signature). Prints; asserts nothing.

Run with ``python -m bench.gost [-n 200]``. Uses the NCA test pack copy in tests/data.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from asn1crypto import crl, x509

import signing.gost  # noqa: F401
from signing.gost import oids, streebog
from signing.gost.cms import GostSigner, verify_cms
from signing.gost.gost3410 import GostPrivateKey, GostPublicKey
from signing.gost.pkcs12 import load_gost_pkcs12
from signing.gost.validator import gost_validation_context

PACK = Path(__file__).resolve().parents[1] / "tests" / "data" / "nca-test"
AIM_MS = 5.0


def _median_ms(fn: Callable[[], object], n: int) -> tuple[float, float]:
    fn()  # warm (tables, provider)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--cpu", type=int, default=None, help="core to pin to (default: last)")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        cpu = args.cpu if args.cpu is not None else sorted(os.sched_getaffinity(0))[-1]
        os.sched_setaffinity(0, {cpu})
        print(f"pinned to core {cpu}")
    store = load_gost_pkcs12((PACK / "keys" / "individual_gost2015.p12").read_bytes(), b"Aa123456")
    ca = x509.Certificate.load((PACK / "ca" / "nca_gost2022_test.cer").read_bytes())
    lst = crl.CertificateList.load((PACK / "crl" / "nca_gost2022_test.crl").read_bytes())
    ca_key = GostPublicKey.from_spki(ca.public_key)
    tbs, crl_sig = lst["tbs_cert_list"].dump(), lst["signature"].native
    k256 = GostPrivateKey.generate(oids.PARAMS_GOST2015_256_A)
    sig256 = k256.sign(b"x")
    data = os.urandom(100_000)
    signer = GostSigner(store.private_key, store.certificate)
    moment = datetime(2022, 10, 1, tzinfo=UTC)
    cms_der = signer.sign_detached(data, signing_time=moment).dump()
    # a different key for every call: no per-key table (a member's key, verified once)
    fresh = [GostPrivateKey.generate() for _ in range(args.n + 1)]
    fresh_sigs = iter([(k.public_key, k.sign(b"m")) for k in fresh])

    def verify_fresh() -> bool:
        key, sig = next(fresh_sigs)
        return key.verify(sig, b"m")

    rows: list[tuple[str, Callable[[], object], float | None]] = [
        ("verify 512, a key seen once", verify_fresh, AIM_MS),
        ("verify 512, CA key (table cached)", lambda: ca_key.verify(crl_sig, tbs), AIM_MS),
        ("sign 512 (pack key, 32-byte message)", lambda: store.private_key.sign(b"x" * 32), AIM_MS),
        ("verify 256", lambda: k256.public_key.verify(sig256, b"x"), AIM_MS),
        ("sign 256", lambda: k256.sign(b"x"), AIM_MS),
        ("Streebog-512 over 100 KB", lambda: streebog.streebog512(data), AIM_MS),
        ("Streebog-256 over 100 KB", lambda: streebog.streebog256(data), AIM_MS),
        (
            "CMS detached sign (100 KB, pyHanko)",
            lambda: signer.sign_detached(data, signing_time=moment),
            None,
        ),
        ("CMS verify (100 KB)", lambda: verify_cms(cms_der, content=data), None),
    ]
    print(f"GOST on one core, n={args.n} (median / p95, ms; aim {AIM_MS} ms median)")
    for label, fn, aim in rows:
        med, p95 = _median_ms(fn, args.n)
        verdict = "" if aim is None else ("  ok" if med <= aim else "  OVER AIM")
        print(f"  {label:42s} {med:7.3f} / {p95:7.3f}{verdict}")
    context_args = ([ca],)
    med, p95 = _median_ms(
        lambda: gost_validation_context(*context_args, moment=moment), max(args.n // 10, 5)
    )
    print(f"  {'ValidationContext construction':42s} {med:7.3f} / {p95:7.3f}")
    _flows(max(args.n // 20, 5), moment)


def _flows(n: int, moment: datetime) -> None:
    """Qujat's own paths: a certificate issued (rendered and certified) with a GOST key vs
    the development ECDSA key (aim: within 5 ms), and a protocol with ten GOST signatures
    validated by verify.pdf (aim: <= 150 ms)."""
    import tempfile
    from datetime import date

    from forms import get_form
    from generator import Renderer
    from signing import (
        certify,
        ensure_dev_pki,
        load_pkcs12,
        read_passphrase,
    )
    from signing.nca_keys import load_nca_pkcs12
    from verify.pdf import load_trust_roots, validate_pdf
    from workflow import document_meta
    from workflow.context import Policy

    gost = load_nca_pkcs12(PACK / "keys" / "individual_gost2015.p12", b"Aa123456")
    with tempfile.TemporaryDirectory() as tmp:
        pki = ensure_dev_pki(Path(tmp), now=moment - timedelta(days=30))
        ecdsa = load_pkcs12(pki.issuer_p12_path, read_passphrase(file=pki.issuer_passphrase_path))
        dev_roots = list(load_trust_roots([pki.ca_cert_path]))
    spec = get_form("course-certificate")
    case = spec.validate(spec.example)
    renderer = Renderer()
    meta = document_meta(Policy("http://127.0.0.1:8000"), "bench", "0" * 26, date(2024, 9, 1))
    renderer.render(spec, "kk", case, meta)  # warm the compiler

    def issue(key: object) -> bytes:
        pdf = renderer.render(spec, "kk", case, meta)
        return certify(pdf, key, reason="bench", now=moment)  # type: ignore[arg-type]

    print(f"Qujat paths, n={n} (median / p95, ms)")
    med_e, p95_e = _median_ms(lambda: issue(ecdsa), n)
    med_g, p95_g = _median_ms(lambda: issue(gost), n)
    print(f"  {'certificate end to end, ECDSA P-256':42s} {med_e:7.3f} / {p95_e:7.3f}")
    verdict = "  ok" if med_g - med_e <= AIM_MS else "  OVER AIM"
    print(f"  {'certificate end to end, GOST 512':42s} {med_g:7.3f} / {p95_g:7.3f}"
          f"  (+{med_g - med_e:.3f}){verdict}")  # fmt: skip
    protocol = get_form("protocol-teachers")
    blank = renderer.render(protocol, "kk", protocol.validate(protocol.example), meta)
    ca = x509.Certificate.load((PACK / "ca" / "nca_gost2022_test.cer").read_bytes())
    for label, key, roots in (("ECDSA", ecdsa, dev_roots), ("GOST", gost, [ca])):
        pdf = _ten_signatures(blank, key, moment)
        report = validate_pdf(pdf, roots, moment=moment)
        assert report.ok and len(report.signatures) == 10, report
        med, p95 = _median_ms(lambda: validate_pdf(pdf, roots, moment=moment), n)  # noqa: B023
        verdict = "" if label != "GOST" else ("  ok" if med <= 150 else "  OVER AIM")
        name = f"validate a protocol, 10 {label} signatures"
        print(f"  {name:42s} {med:7.3f} / {p95:7.3f}{verdict}")


def _ten_signatures(blank: bytes, key: Any, moment: datetime) -> bytes:
    from signing import EmptyField, certify, sign_field

    fields = [f"Member{i}" for i in range(9)]
    pdf = certify(blank, key, now=moment, empty_fields=[EmptyField(f) for f in fields])
    for f in fields:
        pdf = sign_field(pdf, key.signer, f, now=moment)
    return pdf


if __name__ == "__main__":
    main()
