"""Identity first: nothing happens until the requester enters the codes we sent."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from ...models import State
from ...services.subject import identity_confirm, identity_pending, status_link_resend
from ...services.verification import code_issue
from ..forms import FindRequestForm, IdentityForm
from .common import access_or_404, over_limit, private, ratelimited, session_unlock


@private
@ratelimit(key="ip", rate="60/h", method="POST", block=True)
def confirm(request, token):
    access = access_or_404(token)
    data_request = access.request
    if data_request.state != State.AWAITING_IDENTITY:
        return redirect("portal:status", token=token)
    pending = identity_pending(request=data_request)
    form = IdentityForm(request.POST or None, pending=pending)
    if request.method == "POST" and form.is_valid():
        results = identity_confirm(request=data_request, codes=form.cleaned_data, token=token)
        if not identity_pending(request=data_request):
            session_unlock(request, access)
            messages.success(request, _("Thank you. Your request is received; we have sent you an acknowledgment."))
            return redirect("portal:status", token=token)
        for purpose, accepted in results.items():
            if accepted:
                # Confirmed already: do not ask for that code again.
                form.fields.pop(purpose, None)
            else:
                form.add_error(purpose, _("This code is wrong or has expired. Check it, or ask for a new one."))
        pending = identity_pending(request=data_request)
    return render(
        request,
        "dsar/portal/confirm.html",
        {"form": form, "token": token, "data_request": data_request, "pending": pending},
    )


@private
@require_POST
@ratelimit(key="ip", rate="20/h", method="POST", block=True)
def confirm_resend(request, token):
    access = access_or_404(token)
    if over_limit(request, group="portal-resend", value=token, rate="5/h"):
        return ratelimited(request)
    data_request = access.request
    if data_request.state == State.AWAITING_IDENTITY:
        for purpose in identity_pending(request=data_request):
            code_issue(request=data_request, purpose=purpose)
        messages.info(request, _("We have sent new codes. Older codes no longer work."))
    return redirect("portal:confirm", token=token)


@private
@ratelimit(key="ip", rate="10/h", method="POST", block=True)
def find_request(request):
    """A lost status link: a new one goes to the e-mail on file, and the answer never says whether it matched."""
    form = FindRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        if over_limit(request, group="portal-find-email", value=email, rate="3/h"):
            return ratelimited(request)
        status_link_resend(reference=form.cleaned_data["reference"], email=email)
        return render(request, "dsar/portal/find_request.html", {"form": FindRequestForm(), "sent": True})
    return render(request, "dsar/portal/find_request.html", {"form": form})
