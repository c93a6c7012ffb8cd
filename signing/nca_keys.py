"""An NCA PKCS#12 file, whatever its algorithm, as an :class:`~signing.keys.IssuerKey`.

RSA (older NCA generation) and ECDSA load with `cryptography` as before; a GOST R 34.10-2015
file (every key the NCA issues since 2024) loads through :mod:`signing.gost.pkcs12`, and its
``signer`` is a :class:`~signing.gost.cms.GostSigner`. PDF signing must then go through
:func:`signing.gost.pdf.sign_pdf` (see :func:`is_gost`): pyHanko's PdfSigner cannot hash
with Streebog.
"""

from __future__ import annotations

from pathlib import Path

from signing.errors import KeyStoreError
from signing.gost.cms import GostSigner
from signing.gost.pkcs12 import load_gost_pkcs12
from signing.keys import IssuerKey, load_pkcs12

__all__ = ["is_gost", "load_nca_pkcs12"]


def is_gost(key: IssuerKey) -> bool:
    """True if the key signs with GOST R 34.10-2015."""
    return isinstance(key.signer, GostSigner)


def load_nca_pkcs12(path: Path, passphrase: bytes) -> IssuerKey:
    """Load an NCA .p12 (GOST 2015, RSA) or any other PKCS#12; :class:`KeyStoreError` if
    it cannot be opened (wrong passphrase, GOST 34.310-2004, damaged)."""
    try:
        return load_pkcs12(path, passphrase)
    except KeyStoreError as first:
        try:
            store = load_gost_pkcs12(path.read_bytes(), passphrase)
        except KeyStoreError:
            raise first from None
        except OSError as exc:
            raise KeyStoreError(f"Cannot read the key store {path}: {exc.strerror}") from exc
    cn = store.certificate.subject.native.get("common_name", "")
    return IssuerKey(
        signer=GostSigner(store.private_key, store.certificate, store.chain),
        certificate=store.certificate,
        chain=store.chain,
        subject_name=cn if isinstance(cn, str) else str(cn),
    )
