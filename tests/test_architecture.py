"""The layout keeps its promises: the import contracts (``pyproject.toml``'s
``[tool.importlinter]``) hold, every package's public names are the intended ones, and no
package reaches into another's private modules."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("forms", "generator", "signing", "verify", "registry", "workflow", "api")

PUBLIC_NAMES: dict[str, set[str]] = {
    "forms": {
        "ErrorDetail", "FormDataInvalid", "FormSpec", "LANGUAGES", "QujatError",
        "SignatureRole", "SigningMode", "UnknownForm", "all_forms", "get_form", "templates_dir",
    },
    "generator": {"DocumentMeta", "PDF_STANDARD", "Renderer", "fonts_dir", "qr_png", "render_docx"},
    "signing": {
        "DevPki", "EmptyField", "IssuerKey", "certify", "certify_async", "ensure_dev_pki",
        "issue_certificate", "load_pem", "load_pkcs11", "load_pkcs12", "read_passphrase",
        "sign_field", "sign_field_async",
    },
    "verify": {"Decision", "Examination", "IsolationLimits", "PdfReport", "RegistryFacts",
               "SignatureReport", "ValidatorPool", "Verdict", "examine_bounded", "judge",
               "load_trust_roots", "validate_pdf", "validate_pdf_async"},
    "registry": {
        "ApiKeyRecord", "Conflict", "DocumentRecord", "FileStore", "LocalFileStore",
        "NewDocument", "NotFound", "Registry", "RegistryError", "S3FileStore",
        "STATUS_LIST_BITS", "StatusIndexTaken", "make_engine", "new_id",
    },
    "workflow": {
        "Actor", "ApplicationOutcome", "ApplicationSubmission", "Clock", "Context",
        "IssueRequest", "Issued", "LinkGrant", "Policy", "Prepared", "PublicView",
        "SignerRegistration", "SigningLink", "StatusListDocument", "UploadCheck",
        "WorkflowError", "check_upload", "complete_signature", "create_link",
        "derive_from_protocol", "document_for", "document_meta", "grant_of_link", "issue",
        "issue_document", "item_key", "key_set", "logged_lookup", "prepare_signature",
        "process", "public_view", "read_signer", "register_signer", "resume_derivations",
        "run_chunk", "sign_with_server_key", "status_list", "view_of",
    },
    "api": {"Settings", "create_app"},
}  # fmt: skip


def test_import_contracts_hold() -> None:
    # in a process of its own: import-linter reconfigures logging, which later tests read
    done = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "7 kept, 0 broken" in done.stdout


@pytest.mark.parametrize("package", PACKAGES)
def test_public_names_are_the_intended_ones(package: str) -> None:
    module = importlib.import_module(package)
    exported = set(module.__all__)
    assert exported == PUBLIC_NAMES[package]
    missing = [name for name in exported if not hasattr(module, name)]
    assert not missing, f"{package}.__all__ names what it lacks: {missing}"


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES)


def _private(module: str) -> bool:
    return any(part.startswith("_") and not part.startswith("__") for part in module.split("."))


def test_no_package_imports_another_ones_private_modules(graph: grimp.ImportGraph) -> None:
    offences = []
    for imported in sorted(m for m in graph.modules if _private(m)):
        home = imported.split(".")[0]
        for importer in graph.find_modules_that_directly_import(imported):
            if importer.split(".")[0] != home:
                offences.append(f"{importer} -> {imported}")
    assert not offences


def test_every_package_defines_its_errors_in_its_own_errors_module() -> None:
    for package in ("forms", "generator", "signing", "verify", "registry", "workflow", "api"):
        assert (ROOT / package / "errors.py").is_file(), package
