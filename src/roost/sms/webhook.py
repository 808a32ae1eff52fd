"""``POST /sms/twilio``: Twilio's inbound-message webhook.

The request must carry ``X-Twilio-Signature``, checked with the account's auth
token by Twilio's own ``RequestValidator`` over the public URL
(``ROOST_BASE_URL`` + ``/sms/twilio``, not the URL this process sees behind a
proxy) and the form fields; anything else is refused with 403, and so is every
request while no auth token is set. The answer is TwiML from the ``twilio``
library: ``<Response><Message>…</Message></Response>``, or an empty
``<Response/>`` when nothing is to be texted back.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from roost.bodies import BodyRefused, read_body
from roost.runtime import Runtime
from roost.sms.gateway import receive

PATH = "/sms/twilio"


async def twilio_inbound(request: Request) -> Response:
    rt: Runtime = request.app.state.rt
    token = rt.settings.sms_twilio_auth_token
    signature = request.headers.get("x-twilio-signature", "")
    if not token or not signature:  # refused before a byte of the body is read
        return PlainTextResponse("Forbidden", status_code=403)
    try:
        body = await read_body(request)  # a form of a few fields: 64 KB at most
    except BodyRefused as exc:  # too large or malformed: the sender's problem
        return PlainTextResponse(exc.message, status_code=exc.status)
    fields = {k: v[-1] if isinstance(v, list) else v for k, v in body.values.items()}
    url = rt.settings.effective_base_url + PATH
    if not RequestValidator(token).validate(url, fields, signature):
        return PlainTextResponse("Forbidden", status_code=403)
    number, sid = fields.get("From", ""), fields.get("MessageSid", "")
    if not number or not sid:
        return PlainTextResponse("From and MessageSid are required", status_code=400)
    reply = await run_in_threadpool(receive, rt, number, fields.get("Body", ""), sid)
    twiml = MessagingResponse()
    if reply:
        twiml.message(reply)
    return Response(str(twiml), media_type="application/xml")


def sms_routes() -> list[BaseRoute]:
    return [Route(PATH, twilio_inbound, methods=["POST"])]
