"""The flows, each a function of a :class:`~workflow.context.Context` and an explicit actor.

Between the domain (``forms``, ``generator``, ``signing``, ``verify``, ``registry``) and
the ways in (``api/``: HTTP routes, pages, the command line, ``qujat worker``). Never
imports fastapi, starlette, argparse or ``api``.
"""

from __future__ import annotations

from workflow.applications import ApplicationOutcome, ApplicationSubmission, process
from workflow.batches import item_key, run_chunk
from workflow.context import Actor, Clock, Context, LinkGrant, Policy
from workflow.countersign import (
    Prepared,
    SigningLink,
    complete_signature,
    create_link,
    grant_of_link,
    prepare_signature,
    sign_with_server_key,
)
from workflow.derive import derive_from_protocol, resume_derivations
from workflow.documents import (
    Issued,
    IssueRequest,
    document_for,
    document_meta,
    issue,
    issue_document,
)
from workflow.errors import WorkflowError
from workflow.public import PublicView, logged_lookup, public_view, view_of
from workflow.signers import SignerRegistration, read_signer, register_signer
from workflow.status_list import StatusListDocument, key_set, status_list
from workflow.upload import UploadCheck, check_upload

__all__ = [
    "Actor",
    "ApplicationOutcome",
    "ApplicationSubmission",
    "Clock",
    "Context",
    "IssueRequest",
    "Issued",
    "LinkGrant",
    "Policy",
    "Prepared",
    "PublicView",
    "SignerRegistration",
    "SigningLink",
    "StatusListDocument",
    "UploadCheck",
    "WorkflowError",
    "check_upload",
    "complete_signature",
    "create_link",
    "derive_from_protocol",
    "document_for",
    "document_meta",
    "grant_of_link",
    "issue",
    "issue_document",
    "item_key",
    "key_set",
    "logged_lookup",
    "prepare_signature",
    "process",
    "public_view",
    "read_signer",
    "register_signer",
    "resume_derivations",
    "run_chunk",
    "sign_with_server_key",
    "status_list",
    "view_of",
]
