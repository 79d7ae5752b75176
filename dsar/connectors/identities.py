"""The subject's identities as connectors look them up: e-mail, phone (+7…), IIN, account id."""

from __future__ import annotations

from ..validators import is_valid_iin_bin, normalise_phone


class IdentityError(ValueError):
    pass


def normalise(*, email=(), phone=(), iin=(), account_id=()) -> dict[str, list[str]]:
    """Identities ready to look up, or IdentityError naming the bad one. An e-mail is looked up
    as written and in lower case; a phone as the portal stores it (E.164); an IIN must pass its
    check digit. Whatever passes is still only ever sent as a bound parameter."""
    out: dict[str, list[str]] = {}
    for value in email:
        value = value.strip()
        if "@" not in value or len(value) > 254:
            raise IdentityError(f"not an e-mail address: {value!r}")
        out.setdefault("email", [])
        out["email"] += [v for v in dict.fromkeys((value, value.lower())) if v not in out["email"]]
    for value in phone:
        normal = normalise_phone(value)
        if normal is None:
            raise IdentityError(f"not a phone number: {value!r}")
        out.setdefault("phone", []).append(normal)
    for value in iin:
        value = value.strip()
        if not is_valid_iin_bin(value):
            raise IdentityError(f"not a valid IIN: {value!r}")
        out.setdefault("iin", []).append(value)
    for value in account_id:
        if str(value).strip():
            out.setdefault("account_id", []).append(str(value).strip())
    return out


def from_request(request) -> dict[str, list[str]]:
    """What a request tells about its subject (never the representative's contacts)."""
    from ..models import Event

    accounts = [
        (data or {}).get("account_reference", "")
        for data in Event.objects.filter(request=request, action="confirm_identity").values_list("data", flat=True)
    ]
    values = {
        "email": [request.subject_email] if request.subject_email else [],
        "phone": [request.subject_phone] if request.subject_phone else [],
        "iin": [request.subject_iin] if request.subject_iin else [],
        "account_id": [a for a in accounts if a],
    }
    try:
        return normalise(**values)
    except IdentityError:
        values["phone"] = []  # a phone typed on paper that does not parse is not looked up
        return normalise(**values)
