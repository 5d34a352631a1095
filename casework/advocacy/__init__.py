"""The advocacy log: an organization's statements, raids, flights, agreements, press, legislation, actions."""

from casework.features import Feature

FEATURE = Feature(name="advocacy")
