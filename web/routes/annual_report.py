"""The report for the Network's annual meeting on the portal (issue #22): the document to print
and its PDF, for the secretariat and auditors (404 for anyone else, as /follow-ups). The same
service as `napreview follow-up annual-report` (services/annual_report.py)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from napreview.services import annual_report
from napreview.services.errors import NotFoundError
from napreview.web.downloads import download
from napreview.web.web import CSP, OversightDep, PageNotFound, Portal, PortalDep, Visitor

router = APIRouter()
# The report carries its stylesheet inside it; the portal allows that one stylesheet, by digest.
REPORT_CSP = CSP.replace("style-src 'self'", f"style-src 'sha256-{annual_report.STYLE_DIGEST}'")


def _report(portal: Portal, v: Visitor, cycle: str) -> annual_report.AnnualReport:
    """``cycle`` empty: the newest cycle with follow-ups."""
    assert v.actor is not None
    try:
        return annual_report.annual_report(portal.store, v.actor, cycle or None)
    except NotFoundError:
        raise PageNotFound() from None


@router.get("/follow-ups/report")
def report_page(v: OversightDep, portal: PortalDep, cycle: str = "") -> Response:
    """The report as a page to read and print (A4)."""
    html = annual_report.as_html(_report(portal, v, cycle), v.language, pdf_link=True)
    return HTMLResponse(html, headers={"Content-Security-Policy": REPORT_CSP})


@router.get("/follow-ups/report.pdf")
async def report_pdf(v: OversightDep, portal: PortalDep, cycle: str = "") -> Response:
    """The report as PDF, laid out where letters are, so the portal goes on serving."""
    report = await run_in_threadpool(_report, portal, v, cycle)
    html = await run_in_threadpool(annual_report.as_html, report, v.language)
    pdf = await annual_report.as_pdf_elsewhere(html)
    name = annual_report.file_name(report.cycle, v.language)
    return download(pdf, name, "application/pdf")
