"""The bare-Django baseline for bench/bench_intake.py: one CSRF form, validation, one INSERT.

Nothing of the portal: no i18n, sessions, auth, rate limits or audit. It is what the
framework alone costs on this machine, so the portal's intake figure can be read as a ratio.
"""
