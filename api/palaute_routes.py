"""Plain HTTP routes of the feedback automation: Twilio's delivery callback and the työpaikkakysely CSV.

The callback is authenticated by Twilio's own signature (`X-Twilio-Signature`, checked with twilio's
RequestValidator against our public URL), not by a bearer token. The CSV is for the provider's officials, who
hand the links to the workplaces themselves (DOMAIN.md §4.2); it opens in Excel (UTF-8 with BOM, `;`), its header
and yes/no cells in the language of Accept-Language.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, request_response
from twilio.request_validator import RequestValidator

from api.audit_trail import AuditTrail
from api.auth import BearerAuth
from api.errors import HTTP_STATUS
from api.i18n import kieli_of, kylla_ei, otsikot, viesti
from jobs.sms import STATUS_CALLBACK_PATH
from jobs.viestit import link_url
from models.kyselylinkki import Kanava, Toimitus, ToimitusTila
from models.rules.csv_writer import CsvRivit
from models.services.errors import DomainError
from models.services.tyopaikkakysely import list_tyopaikkakyselyt
from models.settings import Settings

TYOPAIKKAKYSELY_HEADER = (
    "ytunnus",
    "tyopaikan_nimi",
    "linkki",
    "vastausaika_alku",
    "vastausaika_loppu",
    "jaksoja",
    "vastattu",
)
# Twilio's MessageStatus values that end a delivery; the intermediate ones (queued, sending, sent) change nothing.
FINAL_STATUSES = {
    "delivered": ToimitusTila.DELIVERED,
    "undelivered": ToimitusTila.BOUNCED,
    "failed": ToimitusTila.FAILED,
}


def routes(settings: Settings) -> list[BaseRoute]:
    validator = RequestValidator(settings.twilio_auth_token)

    async def twilio_status(request: Request) -> Response:
        params = {k: str(v) for k, v in (await request.form()).items()}
        signature = request.headers.get("x-twilio-signature", "")
        if not validator.validate(f"{settings.public_base_url}{STATUS_CALLBACK_PATH}", params, signature):
            return JSONResponse({"error": "invalid X-Twilio-Signature"}, status_code=403)
        tila = FINAL_STATUSES.get(params.get("MessageStatus", ""))
        sid = params.get("MessageSid", "")
        if tila is not None and sid:
            virhe = f"Twilio {params['ErrorCode']}" if params.get("ErrorCode") else None
            await Toimitus.filter(palvelun_tunnus=sid, kanava=Kanava.SMS).update(tila=tila, virhe=virhe)
        return Response(status_code=204)

    async def tyopaikkakysely_csv(request: Request) -> Response:
        principal = getattr(request.state, "principal", None)
        kieli = kieli_of(request.headers)
        try:
            if principal is None:  # BearerAuth lets a browser's HTML GET through; this route has no page
                raise DomainError("UNAUTHENTICATED", "an Authorization: Bearer token is required")
            rows = await list_tyopaikkakyselyt(request.query_params.get("koulutustoimija", ""), principal)
        except DomainError as e:
            status = HTTP_STATUS.get(e.code, 400)
            return JSONResponse(
                {"error": viesti(e.viesti, kieli), "code": e.code, "field": e.field}, status_code=status
            )
        csv = CsvRivit()
        text = csv.alku + csv.rivi(otsikot(TYOPAIKKAKYSELY_HEADER, kieli))
        text += csv.rivit(
            [
                r.linkki.ytunnus,
                r.tyopaikan_nimi,
                link_url(settings.public_base_url, r.linkki.tunnus),
                r.linkki.vastausaika_alku,
                r.linkki.vastausaika_loppu,
                r.jaksoja,
                kylla_ei(r.linkki.vastattu_at is not None, kieli),
            ]
            for r in rows
        )
        trail = AuditTrail(action="export")  # with the learners whose jaksot each link stands for
        for r in rows:
            trail.read("tyopaikkakysely", r.linkki.id, ("link", r.linkki.id))
        await trail.flush(principal)
        return Response(
            text.encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="tyopaikkakysely.csv"'},
        )

    return [
        Route(STATUS_CALLBACK_PATH, twilio_status, methods=["POST"]),
        Route("/tyopaikkakysely.csv", BearerAuth(request_response(tyopaikkakysely_csv)), methods=["GET"]),
    ]
