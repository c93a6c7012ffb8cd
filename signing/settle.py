"""asn1crypto values made safe to share between threads.

asn1crypto parses lazily: a sequence's children are built the first time something reads
them, and that build is not atomic (``children`` is set to an empty list, then appended
to). A certificate shared by the server's threads — a trust anchor, a held key's
certificate — is read by several path validations at once, and one thread can see another's
half-built list: ``IndexError`` in ``Sequence.dump`` from a trust anchor's hash, a 500 in
the middle of a countersignature (seen in the SIGKILL test). An x509 certificate's
extension cache (``critical_extensions``) is built the same way, and a half-built one would
show a check fewer critical extensions than the certificate has.

So every long-lived value is *settled* once, before it is shared: everything a reader could
parse lazily is parsed here, and after that reads only read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

from asn1crypto import core, x509

__all__ = ["settled", "unsettled_parts"]

V = TypeVar("V", bound=core.Asn1Value)


def settled(value: V) -> V:
    """``value``, with every lazily parsed part of it parsed (and, for a certificate, its
    extension cache built); a value built in code is encoded once, as its first ``dump()``
    would. Returns it, for use in expressions."""
    if isinstance(value, x509.Certificate):
        value.critical_extensions  # noqa: B018  (builds the cache and parses the known extensions)
    value.dump()
    for _ in _parts(value, build=True):
        pass
    return value


def unsettled_parts(value: core.Asn1Value) -> list[str]:
    """Where ``value`` still has something to parse lazily (empty once settled); reads
    only, changes nothing."""
    found = [path for path, node in _parts(value, build=False) if _lazy(node)]
    if isinstance(value, x509.Certificate) and not value._processed_extensions:
        found.append("extensions cache")
    return found


def _lazy(node: object) -> bool:
    if isinstance(node, tuple):
        return True  # a child parsed into a tuple only
    if isinstance(node, core.Sequence | core.SequenceOf):
        return node.children is None and node.contents is not None
    if isinstance(node, core.Any | core.Choice):
        return node._parsed is None and node.contents is not None
    return False


def _parts(node: object, *, build: bool, path: str = "") -> Iterator[tuple[str, object]]:
    """Every node under ``node``, depth first; with ``build``, each is parsed on the way
    (what a reader would trigger), without it a lazy node is reported and not entered."""
    yield path, node
    if isinstance(node, core.Sequence | core.SequenceOf):
        if node.children is None:
            if not build or node.contents is None:
                return
            node._parse_children()
        for i in range(len(node.children)):
            child = node._lazy_child(i) if build else node.children[i]
            yield from _parts(child, build=build, path=f"{path}/{i}")
    elif isinstance(node, core.Any | core.Choice):
        if node._parsed is None and (not build or node.contents is None):
            return
        inner = node.parsed if isinstance(node, core.Any) else node.chosen
        yield from _parts(inner, build=build, path=f"{path}/*")
    elif isinstance(node, core.ParsableOctetString) and node._parsed is not None:
        # parsed only where a spec says what the octets hold (extensions, RSA keys); a
        # raw octet string (an EC point) has nothing to parse and is left alone
        yield from _parts(node._parsed[0], build=build, path=f"{path}/+")
