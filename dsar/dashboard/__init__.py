"""Manager SLA dashboard: is the operator meeting its deadlines?

Every figure is computed in the database (see selectors/); views only check who may see
which operator and render. Scoping lives in access.py so no query can forget it.
"""
