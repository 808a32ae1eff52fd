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

from roost.runtime import Runtime
from roost.sms.gateway import receive

PATH = "/sms/twilio"


async def twilio_inbound(request: Request) -> Response:
    rt: Runtime = request.app.state.rt
    try:
        form = await request.form(max_files=0, max_fields=100)
    except Exception:  # malformed bodies are the sender's problem
        return PlainTextResponse("Bad request", status_code=400)
    fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    token = rt.settings.sms_twilio_auth_token
    signature = request.headers.get("x-twilio-signature", "")
    url = rt.settings.effective_base_url + PATH
    if not token or not signature or not RequestValidator(token).validate(url, fields, signature):
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
