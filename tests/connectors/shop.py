"""A small shop database and its dataset map, for the connector tests.

customer ─┬─ orders (orders.customer_id → customer.id, declared on orders, direction from)
          │    └─ payments (payments.order_id → orders.id, no direction)
          ├─ tickets (declared on customer.id, direction to)
          └─ profile (customer.email ↔ profile.customer_email, declared on customer)
newsletter: found by e-mail only (an identity of its own)
"""

import datetime as dt

import sqlalchemy as sa

metadata = sa.MetaData()
customer = sa.Table(
    "customer",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("email", sa.String(200), nullable=True),
    sa.Column("phone", sa.String(20), nullable=True),
    sa.Column("iin", sa.String(12), nullable=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("account_id", sa.Integer, nullable=True),
    sa.Column("blocked", sa.Integer, nullable=False, server_default="0"),
    sa.Column("born", sa.Date, nullable=True),
)
orders = sa.Table(
    "orders",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("customer_id", sa.Integer, nullable=True),
    sa.Column("address", sa.String(300), nullable=True),
    sa.Column("total", sa.Numeric(10, 2), nullable=True),
)
payments = sa.Table(
    "payments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("order_id", sa.Integer, nullable=True),
    sa.Column("card_holder", sa.String(100), nullable=False),
    sa.Column("card_token", sa.String(40), nullable=True),
    sa.Column("amount", sa.Numeric(10, 2), nullable=False),
    sa.CheckConstraint("card_holder <> 'FORBIDDEN'", name="payments_holder_check"),
)
tickets = sa.Table(
    "tickets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("customer_id", sa.Integer, nullable=True),
    sa.Column("body", sa.Text, nullable=True),
)
profile = sa.Table(
    "profile",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("customer_email", sa.String(200), nullable=True),
    sa.Column("nickname", sa.String(64), nullable=True),
)
newsletter = sa.Table(
    "newsletter",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("address", sa.String(200), nullable=True),
)

DATASET = """
dataset:
  - fides_key: shop
    name: Shop
    organization_fides_key: default_organization   # Fides keys we do not use are kept
    collections:
      - name: customer
        dsar_meta:
          blocking: {field: blocked, value: 1, unblocked_value: 0}
        fields:
          - name: id
            data_categories: [user.unique_id]
            fides_meta:
              primary_key: true
              references:
                - {dataset: shop, field: tickets.customer_id, direction: to}
          - name: email
            data_categories: [user.contact.email]
            fides_meta:
              identity: email
              data_type: string
              references:
                - {field: profile.customer_email}
          - name: phone
            data_categories: [user.contact.phone_number]
            fides_meta: {identity: phone_number, data_type: string}
          - name: iin
            data_categories: [user.government_id]
            fides_meta: {identity: iin, masking_strategy_override: {strategy: hash}}
          - name: name
            data_categories: [user.name]
            fides_meta:
              masking_strategy_override:
                strategy: string_rewrite
                configuration: {rewrite_value: MASKED}
          - name: account_id
            data_categories: [system.operations]
            fides_meta: {identity: account_id, data_type: integer}
          - name: blocked
            data_categories: [system.operations]
          - name: born
            data_categories: [user.demographic.date_of_birth]
      - name: orders
        fields:
          - name: id
            fides_meta: {primary_key: true}
          - name: customer_id
            data_categories: [system.operations]
            fides_meta:
              references:
                - {dataset: shop, field: customer.id, direction: from}
          - name: address
            data_categories: [user.contact.address]
          - name: total
            data_categories: [system.operations]
      - name: payments
        fields:
          - name: id
            fides_meta: {primary_key: true}
          - name: order_id
            fides_meta:
              references: [{field: orders.id}]
          - name: card_holder
            data_categories: [user.financial.account]
            fides_meta:
              masking_strategy_override:
                strategy: random_string_rewrite
                configuration: {length: 12, format_preservation: {suffix: "-x"}}
          - name: card_token
            data_categories: [user.financial]
          - name: amount
            data_categories: [system.operations]
      - name: tickets
        fields:
          - {name: id, fides_meta: {primary_key: true}}
          - {name: customer_id}
          - {name: body, data_categories: [user.content]}
      - name: profile
        x-owner: marketing
        fields:
          - {name: id, fides_meta: {primary_key: true}}
          - {name: customer_email, data_categories: [user.contact.email]}
          - {name: nickname, data_categories: [user.name]}
      - name: newsletter
        fields:
          - {name: id, fides_meta: {primary_key: true}}
          - {name: address, data_categories: [user.contact.email], fides_meta: {identity: email}}
"""

ANNA = {"email": ["anna@example.kz"], "phone": ["+77011234567"], "iin": ["900101300011"], "account_id": ["501"]}


def build(engine: sa.Engine) -> None:
    """Anna (customer 1) and her lookalikes (2-6), each with rows of their own."""
    metadata.create_all(engine)
    people = [
        (1, "anna@example.kz", "+77011234567", "900101300011", "Anna Abaeva", 501),
        (2, "anna@example.kz.evil", "+77011234568", "900101300012", "Anna Abaeva", 502),
        (3, "xanna@example.kz", None, None, "Anna Abaeva", 503),
        (4, "anna.abaeva@example.kz", "87011234567", "90010130001", "Anna", 5010),
        (5, "' OR '1'='1", None, None, "Robert'); DROP TABLE customer;--", None),
        (6, None, None, None, "No identity", None),
    ]
    with engine.begin() as conn:
        conn.execute(
            customer.insert(),
            [
                {"id": i, "email": e, "phone": p, "iin": n, "name": nm, "account_id": a, "born": dt.date(1990, 1, i)}
                for i, e, p, n, nm, a in people
            ],
        )
        conn.execute(
            orders.insert(),
            [{"id": 10 + i, "customer_id": (i % 6) + 1, "address": f"street {i}", "total": "9.50"} for i in range(12)],
        )
        conn.execute(
            payments.insert(),
            [
                {
                    "id": 100 + i,
                    "order_id": 10 + i,
                    "card_holder": f"holder {i}",
                    "card_token": f"tok{i}",
                    "amount": "9.50",
                }
                for i in range(12)
            ],
        )
        conn.execute(
            tickets.insert(),
            [
                {"id": 201, "customer_id": 1, "body": "ticket of 1"},
                {"id": 202, "customer_id": 2, "body": "ticket of 2"},
            ],
        )
        conn.execute(
            profile.insert(),
            [
                {"id": 300, "customer_email": "anna@example.kz", "nickname": "anya"},
                {"id": 301, "customer_email": "anna@example.kz.evil", "nickname": "evil"},
            ],
        )
        conn.execute(
            newsletter.insert(),
            [{"id": 400, "address": "anna@example.kz"}, {"id": 401, "address": "anna@example.com"}],
        )


def snapshot(engine: sa.Engine) -> dict:
    with engine.connect() as conn:
        return {
            t.name: {tuple(r)[0]: dict(r._mapping) for r in conn.execute(sa.select(t).order_by(t.c.id))}
            for t in metadata.sorted_tables
        }


# What Anna reaches: customer 1; orders of customer 1 (i % 6 == 0: 10, 16); their payments;
# ticket 201 (customer 1); profile 300 (her e-mail); newsletter 400. E-mails compare as the
# operator's database compares them (MariaDB's usual collations ignore case), so the lookalikes
# differ in more than case.
ANNA_ROWS = {
    "customer": {1},
    "orders": {10, 16},
    "payments": {100, 106},
    "tickets": {201},
    "profile": {300},
    "newsletter": {400},
}
