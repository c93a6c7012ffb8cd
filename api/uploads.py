"""Reading an uploaded PDF from a request (raw body or multipart), within a size limit."""

from __future__ import annotations

from fastapi import Request

from api.errors import ApiError
from api.ratelimit import TrustedProxies, client_address
from api.settings import Settings
from forms.errors import ErrorDetail

__all__ = ["client_of", "read_pdf"]


def client_of(request: Request, settings: Settings) -> str:
    """Who asks, as the validation pool's per-client share counts them: the client address
    the deployment trusts (the same one the rate limits key on)."""
    return client_address(request.scope, TrustedProxies.parse(settings.forwarded_allow_ips))


async def read_pdf(request: Request, limit: int) -> bytes:
    """The upload's bytes; 413 over ``limit``, 422 if empty or without a file part."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        async with request.form(max_files=1, max_fields=1, max_part_size=limit) as form:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise ApiError(
                    422, "validation_failed", "Send the PDF as the 'file' part",
                    [ErrorDetail("file", "missing", "no file part")],
                )  # fmt: skip
            data = await upload.read(limit + 1)
    else:
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                break
            chunks.append(chunk)
        data = b"".join(chunks) if size <= limit else b"x" * (limit + 1)
    if len(data) > limit:
        raise ApiError(
            413, "payload_too_large", f"The PDF is larger than {limit} bytes",
            [ErrorDetail("file", "max_size", f"at most {limit} bytes")],
        )  # fmt: skip
    if not data:
        raise ApiError(
            422, "validation_failed", "The upload is empty",
            [ErrorDetail("file", "missing", "send a PDF")],
        )  # fmt: skip
    return data
