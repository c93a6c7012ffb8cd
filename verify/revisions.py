"""The difference analysis of a many-revision PDF, once per file instead of once per signature.

PyHanko reviews each signature's later revisions against that signature's own revision, and
to judge an object rewritten in a later revision it first maps every path to every object of
the signed revision (a walk of the whole page and structure tree). A protocol with ten
signatures, a DSS and a document timestamp after each has about thirty revisions and twenty
signatures: twenty such walks, 3 to 5 s. Yet what a later revision may do does not depend on
which signature looks at it.

:class:`ChainDiffPolicy` therefore applies pyHanko's own whitelist rules (catalog, DSS,
metadata, /Info, form fields, signature fields) to each revision against the one just before
it, once, and a signature's verdict is the highest level of the revisions after it. The walk
pyHanko makes to catch an object reused in two places (the XMP stream also drawn as page
content, a DSS entry that is also a font) is replaced by a conservative index of every
``n g R`` in the file's bytes: a rewritten object of a kind whose content the rules let
change (/Info, XMP, the DSS and what it holds, the catalog, the AcroForm) must be referred
to only from where that kind lives, and a new object only from objects of its own revision
or later (an old object pointing at a number that did not exist yet would make a later
revision change signed content).

Anything the fast path does not recognise - object streams, hybrid files, field locks,
DocMDP level 3, a freed object, an object of no known kind rewritten, a rule that objects,
an unexplained object - is left to pyHanko's full per-signature analysis, so the verdicts
are pyHanko's wherever the shortcut is not certain to agree (``tests/verify/
test_revisions.py`` checks that it agrees on real protocols).
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass

from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.reader import HistoricalResolver, PdfFileReader
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    DiffPolicy,
    DiffResult,
    ModificationLevel,
    StandardDiffPolicy,
    SuspiciousModification,
)
from pyhanko.sign.diff_analysis.policies import _find_orphans, _is_id
from pyhanko.sign.fields import FieldMDPSpec, MDPPerm

__all__ = ["ChainDiffPolicy"]

_REF = re.compile(rb"(?<![0-9.+\-])([0-9]{1,10})\s+([0-9]{1,5})\s+R(?![A-Za-z0-9_])")
_TRAILER = (-1, -1, -1)  # the span of an xref table, trailer or xref stream
_Key = tuple[int, int]  # (object number, generation)
_Span = tuple[int, int, int]  # (object number, generation, introducing revision)


@dataclass(frozen=True)
class _Step:
    """What one revision did, judged against the revision before it."""

    level: ModificationLevel
    filled: frozenset[str]
    """Fields whose changes count against a field lock (pyHanko's ``changed_form_fields``)."""
    certifying_ok: bool
    """Every change is one a certification (DocMDP) allows after it."""


class _Referrers:
    """Which object versions mention ``n g R``, from the bytes (a superset: a match in a
    string or a stream counts too, which only makes the fast path give up more often)."""

    def __init__(self, data: bytes, reader: PdfFileReader) -> None:
        starts: dict[int, _Span] = {}
        xrefs = reader.xrefs
        for revision in range(xrefs.total_revisions):
            section = xrefs.get_xref_data(revision)
            for idnum, (generation, offset) in section.standard_xrefs.items():
                starts[offset] = (idnum, generation, revision)
            meta = xrefs.get_xref_container_info(revision)
            starts[meta.start_location] = _TRAILER
            if meta.stream_ref is not None:
                stream_at = section.standard_xrefs.get(meta.stream_ref.idnum)
                if stream_at is not None:
                    starts[stream_at[1]] = _TRAILER
        self._offsets = sorted(starts)
        self._spans = [starts[o] for o in self._offsets]
        self.by_target: dict[_Key, set[_Span]] = defaultdict(set)
        for match in _REF.finditer(data):
            at = bisect.bisect_right(self._offsets, match.start()) - 1
            span = self._spans[at] if at >= 0 else _TRAILER
            if span != _TRAILER:
                self.by_target[(int(match.group(1)), int(match.group(2)))].add(span)

    def of(self, ref: generic.Reference) -> set[_Span]:
        return self.by_target.get((ref.idnum, ref.generation), set())


class ChainDiffPolicy(DiffPolicy):
    """PyHanko's default policy, with each revision reviewed once for the whole file."""

    def __init__(self, reader: PdfFileReader, data: bytes) -> None:
        self.reader = reader
        self._data = data
        self._steps: dict[int, _Step | None] = {}
        self._referrers: _Referrers | None = None
        self._usable: bool | None = None

    def apply(
        self,
        old: HistoricalResolver,
        new: HistoricalResolver,
        field_mdp_spec: FieldMDPSpec | None = None,
        doc_mdp: MDPPerm | None = None,
    ) -> DiffResult:
        """One pair of revisions: pyHanko's own analysis."""
        return DEFAULT_DIFF_POLICY.apply(old, new, field_mdp_spec, doc_mdp)

    def review_file(
        self,
        reader: PdfFileReader,
        base_revision: int | HistoricalResolver,
        field_mdp_spec: FieldMDPSpec | None = None,
        doc_mdp: MDPPerm | None = None,
    ) -> DiffResult | SuspiciousModification:
        """The revisions after ``base_revision``, from the per-revision steps when every one
        of them is recognised; otherwise pyHanko's full review."""
        if (
            reader is self.reader
            and isinstance(base_revision, int)
            and field_mdp_spec is None
            and doc_mdp != MDPPerm.ANNOTATE
        ):
            fast = self._review(base_revision, certifying=doc_mdp is not None)
            if fast is not None:
                return fast
        return DEFAULT_DIFF_POLICY.review_file(reader, base_revision, field_mdp_spec, doc_mdp)

    def _review(self, base: int, *, certifying: bool) -> DiffResult | None:
        if not self._can_shortcut():
            return None
        level, filled = ModificationLevel.NONE, set[str]()
        for revision in range(base + 1, self.reader.xrefs.total_revisions):
            step = self._step(revision)
            if step is None or (certifying and not step.certifying_ok):
                return None
            level = max(level, step.level)
            filled |= step.filled
        return DiffResult(level, filled)

    def _can_shortcut(self) -> bool:
        if self._usable is None:
            xrefs = self.reader.xrefs
            self._usable = not xrefs.hybrid_xrefs_present and not any(
                xrefs.get_xref_data(r).xrefs_in_objstm for r in range(xrefs.total_revisions)
            )
        return self._usable

    def _step(self, revision: int) -> _Step | None:
        if revision not in self._steps:
            try:
                self._steps[revision] = self._judge_step(revision)
            except (SuspiciousModification, misc.PdfError, ValueError, KeyError, TypeError,
                    AttributeError, IndexError):  # fmt: skip
                self._steps[revision] = None  # pyHanko's full review will say why
        return self._steps[revision]

    def _judge_step(self, revision: int) -> _Step | None:
        """:meth:`StandardDiffPolicy.apply` for ``revision`` against the one before it, with
        the usage walk replaced by :meth:`_usage_ok`; ``None`` if not certainly allowed."""
        policy = DEFAULT_DIFF_POLICY
        assert isinstance(policy, StandardDiffPolicy) and policy.form_rule is not None
        old = self.reader.get_historical_resolver(revision - 1)
        new = self.reader.get_historical_resolver(revision)
        if new.refs_freed_in_revision():  # type: ignore[no-untyped-call]
            return None
        new_xrefs: set[generic.Reference] = new.explicit_refs_in_revision()  # type: ignore[no-untyped-call]
        if not self._usage_ok(old, new, revision, new_xrefs):
            return None
        explained: dict[ModificationLevel, set[generic.Reference]] = defaultdict(set)
        explained[ModificationLevel.LTA_UPDATES].update(_find_orphans(new))
        for rule in policy.global_rules:
            for level, update in rule.apply_qualified(old, new):
                explained[level].add(update.updated_ref)
        filled, certifying_ok = set(), True
        for level, update in policy.form_rule.apply(old, new):
            explained[level].add(update.updated_ref)
            if update.field_name is not None and not update.valid_when_locked:
                filled.add(update.field_name)
            certifying_ok = certifying_ok and update.valid_when_certifying
        lta = new_xrefs - explained[ModificationLevel.LTA_UPDATES]
        fill = lta - explained[ModificationLevel.FORM_FILLING]
        annotate = fill - explained[ModificationLevel.ANNOTATIONS]
        xref_cache = self.reader.xrefs
        identical = {
            ref for ref in lta
            if xref_cache.get_historical_ref(ref, old.revision) is not None
            and _is_id(old(ref), new(ref))
        }  # fmt: skip
        lta, fill, annotate = lta - identical, fill - identical, annotate - identical
        if annotate:
            return None
        level = (
            ModificationLevel.ANNOTATIONS if fill
            else ModificationLevel.FORM_FILLING if lta
            else ModificationLevel.LTA_UPDATES
        )  # fmt: skip
        return _Step(level, frozenset(filled), certifying_ok)

    def _usage_ok(
        self,
        old: HistoricalResolver,
        new: HistoricalResolver,
        revision: int,
        written: set[generic.Reference],
    ) -> bool:
        """Every rewritten object is of a kind the rules judge, referred to only from where
        that kind lives; every new object only from objects of this revision or later."""
        if self._referrers is None:
            self._referrers = _Referrers(self._data, self.reader)
        referrers = self._referrers
        xrefs = self.reader.xrefs
        root = _ref(old.trailer_view, "/Root")
        if root is None or _ref(new.trailer_view, "/Root") != root:
            return False
        old_root = old.get_object(root)
        if not isinstance(old_root, generic.DictionaryObject):
            return False
        dss = _reachable(old, _raw(old_root, "/DSS")) | _reachable(
            new, _raw(new.get_object(root), "/DSS")
        )
        parents: dict[_Key, set[_Key]] = {_key(root): set()}
        info = _ref(old.trailer_view, "/Info")
        if info is not None:
            parents[_key(info)] = set()
        for name in ("/Metadata", "/AcroForm"):
            ref = _ref(old_root, name)
            if ref is not None:
                parents.setdefault(_key(ref), {_key(root)})
        for key in dss:
            parents.setdefault(key, dss | {_key(root)})
        for ref in written:
            key = _key(ref)
            if xrefs.get_introducing_revision(ref) == revision:  # a new object
                if any(span[2] < revision for span in referrers.of(ref)):
                    return False
                continue
            seen_from = {(s[0], s[1]) for s in referrers.of(ref) if s[2] <= revision}
            if key in parents:
                if not seen_from <= parents[key]:
                    return False
            elif not _rule_limited(old.get_object(ref)) and not _is_xref_stream(new, ref):
                return False
        return True


def _rule_limited(obj: object) -> bool:
    """A page (only its /Annots may change) or a signature field (only its value and
    appearance): the form rules allow nothing else, wherever else the object is used."""
    if not isinstance(obj, generic.DictionaryObject):
        return False
    return obj.get("/Type") == "/Page" or obj.get("/FT") == "/Sig"


def _is_xref_stream(handler: HistoricalResolver, ref: generic.Reference) -> bool:
    obj = handler.get_object(ref)
    return isinstance(obj, generic.StreamObject) and obj.get("/Type") == "/XRef"


def _key(ref: generic.Reference) -> _Key:
    return ref.idnum, ref.generation


def _raw(container: generic.DictionaryObject, key: str) -> object:
    return container.raw_get(key) if key in container else None


def _ref(container: generic.DictionaryObject, key: str) -> generic.Reference | None:
    value = _raw(container, key)
    return value.reference if isinstance(value, generic.IndirectObject) else None


def _reachable(handler: HistoricalResolver, start: object, limit: int = 10_000) -> set[_Key]:
    """The indirect objects reachable from ``start`` in ``handler``'s revision (a DSS)."""
    seen: set[_Key] = set()
    stack = [start]
    while stack and len(seen) < limit:
        item = stack.pop()
        if isinstance(item, generic.IndirectObject):
            key = (item.idnum, item.generation)
            if key not in seen:
                seen.add(key)
                stack.append(handler.get_object(item.reference))
        elif isinstance(item, generic.DictionaryObject):
            stack.extend(item.raw_get(k) for k in item)
        elif isinstance(item, generic.ArrayObject):
            stack.extend(item.raw_get(i) for i in range(len(item)))
    return seen
