"""Reports across the cases a user may see: counts, charts drawn on the server, CSV."""

from casework.features import Feature

FEATURE = Feature(name="reports", blueprints=("casework.reports.views:bp",), stylesheet="reports.css")
