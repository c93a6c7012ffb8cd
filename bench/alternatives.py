"""The same certificate through the pipelines people use today, each then signed the same way.

* Qujat: Typst (warm compiler) → PAdES certification.
* LibreOffice: our DOCX copy of the certificate (python-docx, same text and QR) →
  ``soffice --headless --convert-to pdf`` (one call per document, as a script would do) →
  the same certification.
* WeasyPrint: the certificate's HTML (the same text, a vector QR, A4 CSS) → WeasyPrint →
  the same certification.

LibreOffice (``libreoffice-writer-nogui``, apt) and WeasyPrint (pip; Pango from apt) are
installed here at run time if missing; they are not dependencies of Qujat or its tests.
"""

from __future__ import annotations

import base64
import importlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from forms import get_form
from generator import DocumentMeta, Renderer, qr_png, render_docx
from registry import new_id
from signing import IssuerKey, certify

__all__ = ["PipelineRun", "compare"]

FORM = "qualification-certificate"
WEASYPRINT = "weasyprint==70.0"

_CSS = """
@page { size: A4; margin: 20mm 15mm 20mm 25mm; }
body { font-family: "Liberation Serif", "Times New Roman", serif; font-size: 12pt; }
.header { text-align: right; font-size: 10pt; margin-left: 50%; }
.title { text-align: center; font-weight: bold; font-size: 14pt; margin: 12pt 0; }
.blank .value { border-bottom: 0.5pt solid black; margin: 6pt 0 0 0; text-align: center; }
.blank .caption { font-size: 8pt; text-align: center; margin: 0 0 6pt 0; }
.fill { text-decoration: underline; }
.qr img { width: 30mm; height: 30mm; image-rendering: pixelated; }
"""


@dataclass(frozen=True)
class PipelineRun:
    name: str
    n: int
    median_ms: float
    p95_ms: float
    note: str = ""


def _summary(name: str, times: list[float], note: str = "") -> PipelineRun:
    times = sorted(times)
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    return PipelineRun(name, len(times), statistics.median(times), p95, note)


def _apt_install(*packages: str) -> None:
    subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", *packages],
        check=True,
        capture_output=True,
        env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
    )


def ensure_libreoffice() -> str:
    """Path of ``soffice``, installing LibreOffice Writer (no GUI) with apt if missing."""
    found = shutil.which("soffice")
    if found is None:
        print("bench: installing libreoffice-writer-nogui (apt)…", file=sys.stderr)
        _apt_install("libreoffice-writer-nogui")
        found = shutil.which("soffice")
    if found is None:
        raise RuntimeError("soffice not found after installing LibreOffice")
    return found


def ensure_weasyprint() -> None:
    """Import WeasyPrint, installing it (pip) and Pango (apt) if missing."""
    try:
        importlib.import_module("weasyprint")
        return
    except (ImportError, OSError):
        pass
    print(f"bench: installing {WEASYPRINT} (pip) and Pango (apt)…", file=sys.stderr)
    _apt_install("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", WEASYPRINT], check=True)
    importlib.invalidate_caches()
    importlib.import_module("weasyprint")


def _metas(n: int) -> list[DocumentMeta]:
    ids = [new_id() for _ in range(n + 1)]
    return [
        DocumentMeta(i, f"https://qujat.kz/v/{i}", "Bench", date(2026, 6, 20), f"https://qujat.kz/v/{i}#t")
        for i in ids
    ]  # fmt: skip


def _time(n: int, one: Callable[[int], object]) -> list[float]:
    one(n)  # warm (the extra meta)
    times = []
    for i in range(n):
        started = time.perf_counter()
        one(i)
        times.append((time.perf_counter() - started) * 1000)
    return times


def compare(renderer: Renderer, issuer: IssuerKey, n_ours: int, n_others: int) -> list[PipelineRun]:
    """Time the three pipelines on the same certificate; ours first."""
    spec = get_form(FORM)
    case = spec.validate(dict(spec.example))
    runs = []

    metas = _metas(n_ours)
    runs.append(
        _summary(
            "Qujat: Typst + sign",
            _time(n_ours, lambda i: certify(renderer.render(spec, "kk", case, metas[i]), issuer)),
        )
    )

    soffice = ensure_libreoffice()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        profile = f"-env:UserInstallation=file://{work / 'profile'}"
        metas = _metas(n_others)

        def libreoffice(i: int) -> None:
            source = work / f"c{i}.docx"
            source.write_bytes(render_docx(renderer, spec, "kk", case, metas[i]))
            subprocess.run(
                [soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(work),
                 str(source)],
                check=True, capture_output=True, timeout=120,
            )  # fmt: skip
            certify((work / f"c{i}.pdf").read_bytes(), issuer)

        runs.append(
            _summary(
                "LibreOffice: DOCX → soffice + sign",
                _time(n_others, libreoffice),
                "one soffice call per document",
            )
        )

    ensure_weasyprint()
    import weasyprint

    metas = _metas(n_others)

    def weasy(i: int) -> None:
        png = qr_png(metas[i].qr_payload or metas[i].verify_url)
        qr = f'<img src="data:image/png;base64,{base64.b64encode(png).decode()}" alt="">'
        html = renderer.html(spec, "kk", case, metas[i]).replace(
            "</body>", f'<div class="qr">{qr}</div></body>'
        )
        html = html.replace("</head>", f"<style>{_CSS}</style></head>")
        certify(weasyprint.HTML(string=html).write_pdf(), issuer)

    runs.append(_summary("WeasyPrint: HTML + sign", _time(n_others, weasy), "warm, in-process"))
    return runs
