"""Connector services: save, remove, test, execute (the library under dsar/connectors/ does the
database work; these functions tie it to the operator, its key, its legal holds and the audit)."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from django.db import transaction

from . import actions, dataset
from . import engine as engines
from .models import Connector, ConnectorKey, LegalHold

log = logging.getLogger(__name__)

KIND_ACTIONS = {
    "access": actions.ACCESS,
    "destruction": actions.DESTRUCTION,
    "blocking": actions.BLOCKING,
    "unblocking": actions.UNBLOCKING,
    "rectification": actions.RECTIFICATION,
}


class ConnectorError(ValueError):
    def __init__(self, errors: list[str] | str):
        errors = [errors] if isinstance(errors, str) else errors
        super().__init__("; ".join(errors))
        self.errors = errors


def connector_save(*, operator, name: str, url: str, dataset_text: str, kinds: list[str] | None = None) -> Connector:
    """Add a connector, or update the one of that name: URL and map are checked first."""
    errors = []
    try:
        engines.parse_url(url)
    except engines.ConnectorURLError as exc:
        errors.append(str(exc))
    try:
        parsed = dataset.parse(dataset_text)
    except dataset.DatasetError as exc:
        errors.extend(exc.errors)
        parsed = None
    unknown = sorted(set(kinds or []) - set(KIND_ACTIONS))
    if unknown:
        errors.append(f"unknown request kinds: {', '.join(unknown)}")
    if errors:
        raise ConnectorError(errors)
    with transaction.atomic():
        connector, _created = Connector.objects.select_for_update().get_or_create(operator=operator, name=name)
        connector.secret = {"url": url}
        connector.url_hint = engines.redacted(url)
        connector.dataset = parsed.document
        if kinds is not None:
            connector.kinds = list(kinds)
        connector.save()
    return connector


def connector_find(*, name: str, operator_slug: str | None = None) -> Connector:
    found = Connector.objects.filter(name=name)
    if operator_slug:
        found = found.filter(operator__slug=operator_slug)
    found = list(found.select_related("operator")[:2])
    if not found:
        raise ConnectorError(f"no connector named {name!r}")
    if len(found) > 1:
        raise ConnectorError(f"several operators have a connector named {name!r}: name the operator (--operator)")
    return found[0]


def connector_map(connector: Connector) -> dataset.DatasetMap:
    try:
        return dataset.parse(connector.dataset)
    except dataset.DatasetError as exc:
        raise ConnectorError(exc.errors) from None


def connector_engine(connector: Connector) -> sa.Engine:
    return engines.create(connector.url, statement_timeout=connector.statement_timeout)


def connector_test(connector: Connector) -> list[str]:
    """What stops the connector from working: an unreachable database, missing tables or columns,
    unknown references, NOT NULL personal columns no strategy can mask. Empty: it works."""
    try:
        dataset_map = connector_map(connector)
    except ConnectorError as exc:
        return exc.errors
    try:
        engine = connector_engine(connector)
        with engines.read_only(engine) as conn:
            return actions.check(conn, dataset_map)
    except engines.ConnectorURLError as exc:
        return [str(exc)]
    except sa.exc.SQLAlchemyError as exc:
        return [f"cannot connect: {failure_text(exc)}"]


def failure_text(exc: BaseException) -> str:
    """What a failure says without values: the database's error class and first line, never the
    statement or its parameters (SQLAlchemy appends both to its messages)."""
    if isinstance(exc, sa.exc.DBAPIError) and exc.orig is not None:
        first = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else ""
        return f"{type(exc.orig).__name__}: {first}"[:500]
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:500]


def held_categories(operator) -> frozenset[str]:
    return frozenset(
        LegalHold.objects.filter(operator=operator, is_active=True).values_list("data_category", flat=True)
    )


def connector_execute(
    *, connector: Connector, kind: str, identities: dict, dry_run: bool = False, corrections: dict | None = None
) -> actions.Outcome:
    """One connector's run for one subject; raises what the database raised (rolled back)."""
    action = KIND_ACTIONS[kind]
    dataset_map = connector_map(connector)
    engine = connector_engine(connector)
    try:
        return actions.run(
            engine,
            dataset_map,
            action=action,
            identities=identities,
            dry_run=dry_run,
            key=ConnectorKey.for_operator(connector.operator) if action == actions.DESTRUCTION else b"",
            held_categories=held_categories(connector.operator),
            corrections=corrections,
            row_cap=connector.row_cap,
            depth_limit=connector.depth_limit,
        )
    finally:
        engine.dispose()


def audit_data(*, connector: Connector, kind: str, outcome: actions.Outcome) -> dict:
    """What the audit chain keeps of a change: counts and a hash of the affected keys, no values."""
    return {
        "connector": connector.name,
        "kind": kind,
        "dry_run": outcome.dry_run,
        "affected": outcome.affected,
        "counts": outcome.counts(),
        "keys_sha256": outcome.keys_hash(),
    }


def command_run(*, operator, kind: str, identities: dict, dry_run: bool) -> tuple[list[dict], list[str]]:
    """`dsar_connectors run`: every connector of the operator serving the kind, one after another.
    A change made from the command line is audited on the operator's chain like one from a request."""
    from ..models import Event

    collections, errors = [], []
    for connector in Connector.objects.filter(operator=operator, is_active=True).order_by("name"):
        if not connector.serves(kind):
            continue
        try:
            outcome = connector_execute(connector=connector, kind=kind, identities=identities, dry_run=dry_run)
        except (sa.exc.SQLAlchemyError, ConnectorError, actions.ActionError, RuntimeError) as exc:
            errors.append(f"{connector.name}: rolled back: {failure_text(exc)}")
            continue
        collections += [c.as_dict() for c in outcome.collections]
        if kind != "access" and not dry_run:
            with transaction.atomic():
                Event.append(
                    operator=operator,
                    action=f"connector_{kind}",
                    actor_label="command_line",
                    data=audit_data(connector=connector, kind=kind, outcome=outcome),
                )
    return collections, errors
