"""Automatic fulfilment from the operator's own databases (issue 26); see docs/integrators/connectors.md."""
