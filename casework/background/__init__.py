"""The person's background: related people, places lived, incarceration and rehabilitation."""

from casework.features import Feature

FEATURE = Feature(name="background")
