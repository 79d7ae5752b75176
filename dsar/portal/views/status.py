"""The private status page: unguessable link plus a fresh code, then replies, downloads, withdrawal."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_fsm import TransitionNotAllowed
from django_ratelimit.decorators import ratelimit

from ...letters.selectors import letter_file_for, letters_for_request
from ...models import Attachment, Event, Message, State
from ...models.portal import CodePurpose
from ...services.subject import reply_create, request_withdraw
from ...services.verification import code_check, code_issue, download_link_create, download_resolve
from ...workflow import subject_may_act
from ..forms import CodeForm, ReplyForm, WithdrawForm
from ..texts import event_label
from .common import access_or_404, over_limit, private, ratelimited, session_unlock, session_unlocked


def _unlocked_access(request, token):
    """The access row when this browser has unlocked the page, else None."""
    access = access_or_404(token)
    return access if session_unlocked(request, access) else None


def _status_context(data_request, reply_form=None):
    events = [
        {"at": e.created_at, "label": event_label(e.action), "question": (e.data or {}).get("question", "")}
        for e in Event.objects.filter(request=data_request, public=True).order_by("created_at", "seq")
    ]
    conversation = (
        Message.objects.filter(
            request=data_request, channel__in=[Message.Channel.TO_SUBJECT, Message.Channel.FROM_SUBJECT]
        )
        .prefetch_related("attachments")
        .order_by("created_at")
    )
    return {
        "data_request": data_request,
        "operator": data_request.operator,
        "events": events,
        "conversation": conversation,
        "letters": letters_for_request(request=data_request),
        "exports": Attachment.objects.filter(request=data_request, purpose=Attachment.Purpose.EXPORT),
        "can_reply": subject_may_act(data_request),
        "awaiting_subject": data_request.state == State.AWAITING_SUBJECT,
        "reply_form": reply_form or ReplyForm(),
    }


@private
def status(request, token):
    access = access_or_404(token)
    data_request = access.request
    if data_request.state == State.AWAITING_IDENTITY:
        return redirect("portal:confirm", token=token)
    if not session_unlocked(request, access):
        return render(request, "dsar/portal/status_locked.html", {"token": token, "form": CodeForm()})
    return render(request, "dsar/portal/status.html", {"token": token, **_status_context(data_request)})


@private
@require_POST
@ratelimit(key="ip", rate="20/h", method="POST", block=True)
def status_code(request, token):
    """Send a fresh code to the requester's e-mail. POST only: mail scanners must not trigger it."""
    access = access_or_404(token)
    if over_limit(request, group="portal-status-code", value=token, rate="5/h"):
        return ratelimited(request)
    code_issue(request=access.request, purpose=CodePurpose.STATUS)
    messages.info(request, _("We have sent a code to the e-mail address given in the request."))
    return render(request, "dsar/portal/status_locked.html", {"token": token, "form": CodeForm(), "sent": True})


@private
@require_POST
@ratelimit(key="ip", rate="60/h", method="POST", block=True)
def status_unlock(request, token):
    access = access_or_404(token)
    form = CodeForm(request.POST)
    if form.is_valid():
        if code_check(request=access.request, purpose=CodePurpose.STATUS, code=form.cleaned_data["code"]):
            session_unlock(request, access)
            return redirect("portal:status", token=token)
        form.add_error("code", _("This code is wrong or has expired. Check it, or ask for a new one."))
    return render(request, "dsar/portal/status_locked.html", {"token": token, "form": form, "sent": True})


@private
@require_POST
@ratelimit(key="ip", rate="30/h", method="POST", block=True)
def reply(request, token):
    access = _unlocked_access(request, token)
    if access is None:
        return redirect("portal:status", token=token)
    data_request = access.request
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            reply_create(request=data_request, body=form.cleaned_data["body"], uploads=form.cleaned_data["documents"])
        except TransitionNotAllowed:
            # Closed meanwhile: the status page says so and shows what is still there to download.
            messages.error(request, _("This request is closed; it no longer takes replies."))
            return redirect("portal:status", token=token)
        except ValidationError as exc:
            form.add_error("documents", exc)
        else:
            messages.success(request, _("Thank you. Your answer has been sent to the operator."))
            return redirect("portal:status", token=token)
    data_request = type(data_request).objects.get(pk=data_request.pk)
    return render(
        request, "dsar/portal/status.html", {"token": token, **_status_context(data_request, form)}, status=400
    )


@private
@ratelimit(key="ip", rate="30/h", method="POST", block=True)
def withdraw(request, token):
    access = _unlocked_access(request, token)
    if access is None:
        return redirect("portal:status", token=token)
    data_request = access.request
    if not subject_may_act(data_request):
        messages.info(request, _("This request is already closed."))
        return redirect("portal:status", token=token)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            request_withdraw(request=data_request)
        except TransitionNotAllowed:
            messages.error(request, _("This request can no longer be withdrawn."))
        else:
            messages.success(request, _("Your request has been withdrawn."))
        return redirect("portal:status", token=token)
    return render(request, "dsar/portal/withdraw.html", {"token": token, "form": form, "data_request": data_request})


def _download_target(data_request, what: str, pk: int):
    """The letter or export of this request; 404 for anything else, including other requests' files."""
    if what == "letter":
        target = letter_file_for(request=data_request, letter_id=pk)
    elif what == "export":
        target = Attachment.objects.filter(request=data_request, pk=pk, purpose=Attachment.Purpose.EXPORT).first()
    else:
        target = None
    if target is None:
        raise Http404
    return target


@private
@ratelimit(key="ip", rate="60/h", method="POST", block=True)
def download(request, token, what, pk):
    """A download needs a fresh code even on an unlocked page; then an expiring link is made."""
    access = _unlocked_access(request, token)
    if access is None:
        return redirect("portal:status", token=token)
    data_request = access.request
    target = _download_target(data_request, what, pk)
    form = CodeForm()
    sent = False
    if request.method == "POST" and request.POST.get("action") == "send":
        if over_limit(request, group="portal-download-code", value=token, rate="10/h"):
            return ratelimited(request)
        code_issue(request=data_request, purpose=CodePurpose.DOWNLOAD)
        sent = True
    elif request.method == "POST":
        sent = True
        form = CodeForm(request.POST)
        if form.is_valid():
            if code_check(request=data_request, purpose=CodePurpose.DOWNLOAD, code=form.cleaned_data["code"]):
                kwargs = {"letter": target} if what == "letter" else {"attachment": target}
                link = download_link_create(request=data_request, **kwargs)
                return redirect("portal:file", token=token, link=link)
            form.add_error("code", _("This code is wrong or has expired. Check it, or ask for a new one."))
    return render(
        request,
        "dsar/portal/download.html",
        {"token": token, "form": form, "sent": sent, "target": target, "what": what},
    )


@private
def file(request, token, link):
    access = _unlocked_access(request, token)
    if access is None:
        raise Http404
    found = download_resolve(request=access.request, token=link)
    if found is None:
        return render(request, "dsar/portal/link_expired.html", {"token": token}, status=410)
    response = FileResponse(
        found.file.open("rb"), as_attachment=True, filename=found.filename, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
