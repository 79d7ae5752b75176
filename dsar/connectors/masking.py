"""How destruction rewrites a personal field, and which columns cannot be rewritten.

Strategies (Fides' names): `null_rewrite` (the default), `string_rewrite` (configuration
`rewrite_value`, default "MASKED"), `hash` (HMAC-SHA-256 with the operator's own key: "#" and hex),
`random_string_rewrite` ("~" and random letters and digits; configuration `length`, default 20,
and `format_preservation.suffix`).
A field chooses one with `masking_strategy_override`. Primary keys and fields with any `system.*`
category are never masked. Masking is idempotent: a value already in its masked form is left as
it is, so a second run changes nothing and counts nothing. That is why a hash starts with "#"
and a random string with "~" (Fides writes bare ones): an original value never looks masked.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string

import sqlalchemy as sa

from .dataset import Collection, Field, Masking

DEFAULT = Masking("null_rewrite")
ALPHABET = string.ascii_lowercase + string.digits


def strategy_of(f: Field) -> Masking:
    return f.masking or DEFAULT


def maskable(collection: Collection, held: frozenset[str] = frozenset()) -> list[Field]:
    """The fields destruction rewrites: personal, not a key, not under a legal hold."""
    return [
        f
        for f in collection.fields
        if f.personal and not f.primary_key and not any(_held(c, held) for c in f.data_categories)
    ]


def _held(category: str, held: frozenset[str]) -> bool:
    return any(category == h or category.startswith(h + ".") for h in held)


def _is_string(column: sa.Column) -> bool:
    try:
        return column.type.python_type is str
    except NotImplementedError:
        return isinstance(column.type, (sa.String, sa.Text))


def _length(column: sa.Column) -> int | None:
    return getattr(column.type, "length", None)


def problems(collection: Collection, table: sa.Table) -> list[str]:
    """Personal columns that no configured strategy can rewrite (NOT NULL, wrong type, too short)."""
    out = []
    for f in maskable(collection):
        column = table.c.get(f.name)
        if column is None:
            continue
        where = f"{collection.dataset}.{collection.name}.{f.name}"
        masking = strategy_of(f)
        if masking.strategy == "null_rewrite":
            if not column.nullable:
                out.append(
                    f"{where}: NOT NULL column cannot be masked with null_rewrite; "
                    "set masking_strategy_override (string_rewrite, hash or random_string_rewrite)"
                )
        elif not _is_string(column):
            out.append(f"{where}: {masking.strategy} writes text, but the column is {column.type}")
        elif masking.strategy == "string_rewrite":
            rewrite = str(masking.configuration.get("rewrite_value", "MASKED"))
            if _length(column) is not None and len(rewrite) > _length(column):
                out.append(f"{where}: rewrite_value is longer than the column ({_length(column)})")
    return out


class Masker:
    def __init__(self, f: Field, column: sa.Column, key: bytes):
        self.field = f
        self.masking = strategy_of(f)
        self.length = _length(column)
        self.key = key
        config = self.masking.configuration
        if self.masking.strategy == "random_string_rewrite":
            self.random_length = int(config.get("length", 20))
            suffix = (config.get("format_preservation") or {}).get("suffix", "")
            self.suffix = str(suffix)
            self.pattern = re.compile(f"~[{ALPHABET}]*{re.escape(self.suffix)}|~[{ALPHABET}]*")
        elif self.masking.strategy == "hash":
            self.pattern = re.compile(r"#[0-9a-f]*")

    def fit(self, value: str) -> str:
        return value[: self.length] if self.length else value

    def masked(self, value) -> bool:
        strategy = self.masking.strategy
        if strategy == "null_rewrite":
            return value is None
        if strategy == "string_rewrite":
            return value == self.fit(str(self.masking.configuration.get("rewrite_value", "MASKED")))
        if value is None:
            return True  # nothing left to hide
        return isinstance(value, str) and bool(self.pattern.fullmatch(value))

    def mask(self, value):
        strategy = self.masking.strategy
        if strategy == "null_rewrite":
            return None
        if strategy == "string_rewrite":
            return self.fit(str(self.masking.configuration.get("rewrite_value", "MASKED")))
        if strategy == "hash":
            return self.fit("#" + hmac.new(self.key, str(value).encode(), hashlib.sha256).hexdigest())
        token = "".join(secrets.choice(ALPHABET) for _ in range(self.random_length))
        return self.fit("~" + token + self.suffix)


def maskers(collection: Collection, table: sa.Table, key: bytes, held: frozenset[str] = frozenset()) -> list[Masker]:
    return [Masker(f, table.c[f.name], key) for f in maskable(collection, held)]
