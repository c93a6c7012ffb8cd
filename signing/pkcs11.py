"""Signing keys on a PKCS#11 token (an HSM, a smart card, SoftHSM2 in tests).

The private key never leaves the token: pyHanko's :class:`~pyhanko.sign.pkcs11.PKCS11Signer`
asks the token for each raw signature. The certificate (and any CA certificates stored
beside it) are read from the token once, at start-up, together with the key handle, and a
probe signature checks that the key belongs to the certificate before the server accepts
requests.

One session serves the whole process: python-pkcs11 serialises the operations on a session
with its own lock, so concurrent certifications from worker threads queue for the token.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from asn1crypto import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.sign.general import SigningError as PyhankoSigningError
from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

from signing.errors import KeyStoreError
from signing.keys import IssuerKey

__all__ = ["load_pkcs11", "member_key_location", "open_key"]

_PROBE = b"qujat: does this key belong to its certificate?"


def load_pkcs11(
    module: Path,
    token_label: str,
    key_label: str,
    pin: str,
    *,
    cert_label: str | None = None,
    chain: Sequence[x509.Certificate] = (),
) -> IssuerKey:
    """Open the token labelled ``token_label`` through the PKCS#11 ``module`` and return the
    key ``key_label`` with its certificate (label ``cert_label``, default ``key_label``).

    CA certificates also stored on the token travel with the signature, as do those in
    ``chain``. :class:`KeyStoreError` when the module, token, key or certificate is missing,
    the PIN is wrong, or the key does not match the certificate; its message never holds
    the PIN.
    """
    import pkcs11  # optional dependency: pip install qujat[pkcs11]

    if not module.is_file():
        raise KeyStoreError(f"No PKCS#11 module at {module}")
    criteria = TokenCriteria(label=token_label)
    try:
        try:
            session = open_pkcs11_session(str(module), token_criteria=criteria, user_pin=pin)
        except pkcs11.UserAlreadyLoggedIn:
            # a login holds for every session of the process: this one (say, a second key
            # on the same token) rides on it
            session = open_pkcs11_session(str(module), token_criteria=criteria)
    except (pkcs11.PinIncorrect, pkcs11.PinInvalid, pkcs11.PinLenRange):
        raise KeyStoreError(f"Wrong PIN for the PKCS#11 token {token_label!r}") from None
    except pkcs11.PinLocked:
        raise KeyStoreError(f"The PIN of the PKCS#11 token {token_label!r} is locked") from None
    except (pkcs11.PKCS11Error, PyhankoSigningError, OSError, RuntimeError) as exc:
        raise KeyStoreError(
            f"Cannot open the PKCS#11 token {token_label!r} with {module}: {_describe(exc)}"
        ) from None
    try:
        # CA certificates stored on the token travel with the signature; other people's
        # certificates on a shared token do not
        cas = [c for c in _certificates(session) if c.ca]
        signer = PKCS11Signer(
            session,
            cert_label=cert_label or key_label,
            key_label=key_label,
            ca_chain=[*chain, *cas],
            other_certs_to_pull=(),
        )
        cert = signer.signing_cert  # loads the certificate and the key handle now, not later
        others = [c for c in signer.cert_registry if c.dump() != cert.dump()]
    except (pkcs11.PKCS11Error, PyhankoSigningError, ValueError) as exc:
        raise KeyStoreError(
            f"Cannot read key {key_label!r} and its certificate from the token "
            f"{token_label!r}: {_describe(exc)}"
        ) from None
    # Every EC token does plain CKM_ECDSA; many (SoftHSM2 2.6 among them) lack the
    # hash-and-sign CKM_ECDSA_SHA256. Hashing here and signing the digest there is the same.
    signer.use_raw_mechanism = cert.public_key.algorithm == "ec"
    _check_pair(signer, cert, key_label)
    cn = cert.subject.native.get("common_name", "")
    return IssuerKey(
        signer=signer,
        certificate=cert,
        chain=tuple(others),
        subject_name=cn if isinstance(cn, str) else str(cn),
    )


def _allowed(module: Path, allowed_modules: Sequence[Path]) -> Path:
    """``module`` if it is one of the operator's allowed libraries (compared resolved, so a
    symlink or ``..`` cannot smuggle another in), else :class:`KeyStoreError`: nothing
    else is ever loaded (``dlopen`` runs the library's code)."""
    resolved = module.resolve()
    for entry in allowed_modules:
        if entry.resolve() == resolved:
            # loaded by the operator's own spelling: python-pkcs11 keeps one library per
            # path string, and the same library initialised twice refuses the second
            return entry
    raise KeyStoreError(
        f"The PKCS#11 module {str(module)[:200]} is not one the operator allows "
        "(QUJAT_SIGNER_PKCS11_MODULES)"
    )


def member_key_location(
    uri: str, module: Path, pin_source: str, allowed_modules: Sequence[Path]
) -> str:
    """The key location to store for a member's key on a token: the operator's
    ``pkcs11:token=<label>;object=<key label>`` with the module and the PIN source the
    operator's configuration names. A URI stating a PIN (``pin-value``, ``pin-source``) or
    another module than ``module`` is refused: both come from the configuration only, and
    ``module`` must be one of ``allowed_modules``."""
    module = _allowed(module, allowed_modules)
    scheme, _, rest = uri.partition(":")
    if scheme != "pkcs11":
        raise KeyStoreError("A PKCS#11 key location starts with 'pkcs11:'")
    path_part, _, query_part = rest.partition("?")
    attributes = _uri_attributes(path_part.split(";"), "=", "path")
    query = _uri_attributes(query_part.split("&"), "=", "query")
    if {"pin-value", "pin-source"} & set(query):
        raise KeyStoreError(
            "The PIN is not given in the URI: it comes from QUJAT_SIGNER_PKCS11_PIN_FILE or "
            "QUJAT_SIGNER_PKCS11_PIN"
        )
    if "module-path" in query and Path(query["module-path"]).resolve() != module.resolve():
        raise KeyStoreError("The URI's module-path is not the module given")
    unknown = (set(attributes) - {"token", "object", "type"}) | (set(query) - {"module-path"})
    if unknown:
        raise KeyStoreError(f"Unsupported PKCS#11 URI attributes: {', '.join(sorted(unknown))}")
    if attributes.get("type", "private") != "private":
        raise KeyStoreError("A PKCS#11 key location names a private key (type=private)")
    missing = [a for a in ("token", "object") if not attributes.get(a)]
    if missing:
        raise KeyStoreError(f"The PKCS#11 URI lacks {', '.join(missing)}")
    path = ";".join(f"{k}={quote(attributes[k], safe='')}" for k in ("token", "object"))
    return (
        f"pkcs11:{path};type=private?module-path={quote(str(module), safe='/')}"
        f"&pin-source={quote(pin_source, safe='/:')}"
    )


def open_key(uri: str, *, allowed_modules: Sequence[Path]) -> IssuerKey:
    """The key an RFC 7512 URI names, for a server-held countersigner key.

    ``pkcs11:token=<label>;object=<key label>?module-path=<.so>&pin-source=<source>``, where
    the source is ``file:<path>`` (the file's first line) or ``env:<VARIABLE>``. The
    certificate is the object of the same label on the token. The module must be one of
    ``allowed_modules`` (the operator's). An inline ``pin-value`` is refused: the location
    is stored in the registry and shown to administrators, so the PIN would leak with it.
    :class:`KeyStoreError` if the URI is malformed or the key unusable.
    """
    scheme, _, rest = uri.partition(":")
    if scheme != "pkcs11":
        raise KeyStoreError("A PKCS#11 key location starts with 'pkcs11:'")
    path_part, _, query_part = rest.partition("?")
    attributes = _uri_attributes(path_part.split(";"), "=", "path")
    query = _uri_attributes(query_part.split("&"), "=", "query")
    if "pin-value" in query:
        raise KeyStoreError(
            "A PIN inline in the key location (pin-value) is refused: the location is stored "
            "and shown; use pin-source=file:<path> or pin-source=env:<VARIABLE>"
        )
    unknown = (set(attributes) - {"token", "object", "type"}) | (
        set(query) - {"module-path", "pin-source"}
    )
    if unknown:
        raise KeyStoreError(f"Unsupported PKCS#11 URI attributes: {', '.join(sorted(unknown))}")
    if attributes.get("type", "private") != "private":
        raise KeyStoreError("A PKCS#11 key location names a private key (type=private)")
    missing = [a for a in ("token", "object", "module-path", "pin-source")
               if not (attributes.get(a) or query.get(a))]  # fmt: skip
    if missing:
        raise KeyStoreError(f"The PKCS#11 key location lacks {', '.join(missing)}")
    module = _allowed(Path(query["module-path"]), allowed_modules)  # before any PIN is read
    return load_pkcs11(
        module,
        attributes["token"],
        attributes["object"],
        _read_pin(query["pin-source"]),
    )


def _uri_attributes(parts: Sequence[str], sep: str, where: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in parts:
        if not part:
            continue
        name, eq, value = part.partition(sep)
        if not eq or name in found:
            raise KeyStoreError(f"Malformed PKCS#11 URI {where} attribute {name[:40]!r}")
        found[name] = unquote(value)
    return found


def _read_pin(source: str) -> str:
    """The PIN from ``file:<path>`` or ``env:<VARIABLE>``; errors never hold the PIN."""
    kind, _, where = source.partition(":")
    if kind == "env" and where:
        value = os.environ.get(where)
        if not value:
            raise KeyStoreError(f"No PKCS#11 PIN: the variable {where} is not set")
        return value
    if kind == "file" and where:
        try:
            text = Path(where.removeprefix("//")).read_text(encoding="utf-8")
        except OSError as exc:
            raise KeyStoreError(
                f"Cannot read the PKCS#11 PIN file {where}: {exc.strerror}"
            ) from None
        except (UnicodeDecodeError, ValueError):  # not text, or a NUL in the path
            raise KeyStoreError(f"Unusable PKCS#11 PIN file {where!r}") from None
        return text.splitlines()[0] if text else ""
    raise KeyStoreError("pin-source must be file:<path> or env:<VARIABLE>")


def _check_pair(signer: PKCS11Signer, cert: x509.Certificate, key_label: str) -> None:
    """Sign a probe on the token and verify it with the certificate's public key."""
    try:
        # in a thread of its own: start-up may happen inside a running event loop
        with ThreadPoolExecutor(max_workers=1) as pool:
            signature = pool.submit(asyncio.run, _probe(signer)).result()
    except Exception as exc:  # the token's library may raise anything; say which key failed
        raise KeyStoreError(
            f"The token cannot sign with key {key_label!r}: {_describe(exc)}"
        ) from None
    public = serialization.load_der_public_key(cert.public_key.dump())
    try:
        if isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, _PROBE, ec.ECDSA(hashes.SHA256()))
        elif isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, _PROBE, padding.PKCS1v15(), hashes.SHA256())
        else:
            raise KeyStoreError(f"Unsupported key type on the token: {type(public).__name__}")
    except InvalidSignature:
        raise KeyStoreError(
            f"The key {key_label!r} on the token does not belong to its certificate"
        ) from None


def _certificates(session: Any) -> list[x509.Certificate]:
    from pkcs11 import Attribute, ObjectClass

    found = session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE})
    return [x509.Certificate.load(obj[Attribute.VALUE]) for obj in found]


async def _probe(signer: PKCS11Signer) -> bytes:
    return await signer.async_sign_raw(_PROBE, "sha256")


def _describe(exc: BaseException) -> str:
    """A short description of a token error (python-pkcs11's exceptions often have no text)."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
