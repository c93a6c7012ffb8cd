"""The few libcrypto calls Python does not expose: loading OpenSSL 3 providers into the
default library context (the one `hashlib` uses), and RC2-40-CBC from the legacy provider,
which PKCS#12 files still use for their certificate bags (`cryptography` only has 128-bit RC2).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading

_lock = threading.Lock()
_loaded: set[str] = set()
_lib: ctypes.CDLL | None = None


class OpenSSLUnavailable(RuntimeError):
    """libcrypto or one of its providers cannot be loaded."""


def libcrypto() -> ctypes.CDLL:
    """The system libcrypto 3, the one Python's _hashlib links against."""
    global _lib
    if _lib is None:
        for cand in ("libcrypto.so.3", ctypes.util.find_library("crypto")):
            if not cand:
                continue
            try:
                lib = ctypes.CDLL(cand)
            except OSError:
                continue
            lib.OSSL_PROVIDER_load.restype = ctypes.c_void_p
            lib.OSSL_PROVIDER_load.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
            lib.EVP_CIPHER_fetch.restype = ctypes.c_void_p
            lib.EVP_CIPHER_fetch.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
            lib.EVP_CIPHER_free.argtypes = [ctypes.c_void_p]
            lib.EVP_CIPHER_CTX_new.restype = ctypes.c_void_p
            lib.EVP_CIPHER_CTX_free.argtypes = [ctypes.c_void_p]
            lib.EVP_DecryptInit_ex.argtypes = [ctypes.c_void_p] * 5
            lib.EVP_DecryptUpdate.argtypes = [
                ctypes.c_void_p,
                ctypes.c_char_p,
                ctypes.POINTER(ctypes.c_int),
                ctypes.c_char_p,
                ctypes.c_int,
            ]
            lib.EVP_DecryptFinal_ex.argtypes = [
                ctypes.c_void_p,
                ctypes.c_char_p,
                ctypes.POINTER(ctypes.c_int),
            ]
            _lib = lib
            break
        else:
            raise OpenSSLUnavailable("libcrypto.so.3 not found")
    return _lib


def load_provider(name: str) -> None:
    """Load an OpenSSL provider into the default context (and the default provider with it:
    loading any provider explicitly switches the implicit default off)."""
    if name in _loaded:
        return
    with _lock:
        if name in _loaded:
            return
        lib = libcrypto()
        if "default" not in _loaded:
            if not lib.OSSL_PROVIDER_load(None, b"default"):
                raise OpenSSLUnavailable("OpenSSL default provider not loadable")
            _loaded.add("default")
        if name != "default" and not lib.OSSL_PROVIDER_load(None, name.encode()):
            raise OpenSSLUnavailable(f"OpenSSL provider {name!r} not found")
        _loaded.add(name)


def rc2_40_cbc_decrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    """RC2 with a 40-bit key in CBC mode, PKCS#5 padding removed; ValueError if it fails."""
    load_provider("legacy")
    lib = libcrypto()
    cipher = lib.EVP_CIPHER_fetch(None, b"RC2-40-CBC", None)
    if not cipher:
        raise OpenSSLUnavailable("RC2-40-CBC not available (OpenSSL legacy provider)")
    ctx = lib.EVP_CIPHER_CTX_new()
    try:
        out = ctypes.create_string_buffer(len(data) + 16)
        n1, n2 = ctypes.c_int(0), ctypes.c_int(0)
        if not lib.EVP_DecryptInit_ex(ctx, cipher, None, key, iv):
            raise ValueError("RC2 init failed")
        if not lib.EVP_DecryptUpdate(ctx, out, ctypes.byref(n1), data, len(data)):
            raise ValueError("RC2 decryption failed")
        tail = ctypes.create_string_buffer(16)
        if not lib.EVP_DecryptFinal_ex(ctx, tail, ctypes.byref(n2)):
            raise ValueError("RC2 decryption failed (wrong password?)")
        return out.raw[: n1.value] + tail.raw[: n2.value]
    finally:
        lib.EVP_CIPHER_CTX_free(ctx)
        lib.EVP_CIPHER_free(cipher)
