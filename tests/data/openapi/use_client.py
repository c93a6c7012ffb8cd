"""A platform's code against the client generated from Qujat's OpenAPI (copied next to the
generated package by tests/e2e/test_openapi_client.py, type-checked with mypy --strict,
then run against a live server): issues a certificate and a protocol, typed per form."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from qujat_client import AuthenticatedClient
from qujat_client.api.documents import (
    create_document_v1_documents_post,
    download_pdf_v1_documents_doc_id_pdf_get,
    read_document_v1_documents_doc_id_get,
)
from qujat_client.api.verify import verify_id_v1_verify_doc_id_get
from qujat_client.models import (
    DocumentCreateProtocolTeachers,
    DocumentCreateProtocolTeachersForm,
    DocumentCreateQualificationCertificate,
    DocumentCreateQualificationCertificateForm,
    DocumentPublic,
    ErrorBody,
    FormQualificationCertificate,
    FormTeachersProtocol,
    VerificationPublic,
)
from qujat_client.types import File


def main(base_url: str, token: str, examples: Path) -> None:
    """Issue both documents; print their ids and statuses as JSON."""
    cases = json.loads(examples.read_text())
    client = AuthenticatedClient(base_url=base_url, token=token)
    certificate = DocumentCreateQualificationCertificate(
        form=DocumentCreateQualificationCertificateForm.QUALIFICATION_CERTIFICATE,
        data=FormQualificationCertificate.from_dict(cases["qualification-certificate"]),
    )
    protocol = DocumentCreateProtocolTeachers(
        form=DocumentCreateProtocolTeachersForm.PROTOCOL_TEACHERS,
        data=FormTeachersProtocol.from_dict(cases["protocol-teachers"]),
    )
    out: dict[str, object] = {}
    with client as c:
        for name, body in (("certificate", certificate), ("protocol", protocol)):
            created = create_document_v1_documents_post.sync_detailed(client=c, body=body)
            doc = created.parsed
            if not isinstance(doc, DocumentPublic):
                raise SystemExit(f"{name}: {created.status_code} {created.content!r}")
            again = read_document_v1_documents_doc_id_get.sync(doc.id, client=c)
            assert isinstance(again, DocumentPublic) and again.id == doc.id
            pdf = download_pdf_v1_documents_doc_id_pdf_get.sync(doc.id, client=c)
            assert isinstance(pdf, File) and pdf.payload.read(5) == b"%PDF-"
            verdict = verify_id_v1_verify_doc_id_get.sync(doc.id, client=c)
            assert isinstance(verdict, VerificationPublic)
            out[name] = {"id": doc.id, "form": doc.form, "status": verdict.status}
        bad = create_document_v1_documents_post.sync_detailed(
            client=c,
            body=DocumentCreateQualificationCertificate(
                form=DocumentCreateQualificationCertificateForm.QUALIFICATION_CERTIFICATE,
                data=FormQualificationCertificate.from_dict(
                    {**cases["qualification-certificate"], "registration_number": ""}
                ),
            ),
        )
        assert isinstance(bad.parsed, ErrorBody), bad.content
        out["refused"] = {"status": int(bad.status_code), "code": bad.parsed.error.code}
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], Path(sys.argv[3]))
