# What the counts count: a NOT NULL column that is the first key of every dashboard index.
# COUNT(id) would make PostgreSQL visit the table for the id although each row is already
# in a covering index, and Django refuses COUNT(*) with a FILTER clause.
ROWS = "operator_id"
