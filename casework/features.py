"""The one list of features, and what each contributes to the application.

Each feature package declares a `FEATURE` in its `__init__.py`: its blueprints, its case-record
sections and its stylesheet, named by import string so that reading the declaration imports none of
the feature's views. The factory walks FEATURES once: it mounts the blueprints, registers the sections
(the case page, the PDFs and the case file all read them from here) and gives `base.html` the
stylesheets, in this order.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from flask import Flask
from werkzeug.utils import import_string

from casework.case_page import CaseSection

# Page order of the navigation and of the stylesheets; a new feature is added here and nowhere else.
FEATURES: tuple[str, ...] = (
    "accounts",
    "people",
    "record",
    "background",
    "relief",
    "contacts",
    "notes",
    "tasks",
    "documents",
    "packets",
    "deadlines",
    "reports",
    "advocacy",
    "transfer",
    "admin",
    "petitions",
)


@dataclass(frozen=True)
class Feature:
    """What one feature package adds to the application."""

    name: str
    # "package.module:attribute" of each Flask blueprint the feature mounts.
    blueprints: tuple[str, ...] = ()
    # "package.module:attribute" of each CaseSection the feature contributes to the case record.
    sections: tuple[str, ...] = ()
    # A stylesheet under casework/static, linked from every page after casework.css.
    stylesheet: str | None = None


def declared_features() -> list[Feature]:
    """Every feature's declaration, in the order of FEATURES."""
    features = []
    for name in FEATURES:
        feature = importlib.import_module(f"casework.{name}").FEATURE
        if not isinstance(feature, Feature) or feature.name != name:
            raise TypeError(f"casework.{name}.FEATURE must be a Feature named {name!r}")
        features.append(feature)
    return features


def init_app(app: Flask) -> None:
    """Mount every feature's blueprints, register its sections and collect the stylesheets."""
    features = declared_features()
    sections: dict[str, CaseSection] = {}
    for feature in features:
        for blueprint in feature.blueprints:
            app.register_blueprint(import_string(blueprint))
        for path in feature.sections:
            section = import_string(path)
            if section.key in sections:
                raise ValueError(f"two case sections are called {section.key!r}")
            sections[section.key] = section
    app.extensions["casework"] = {"features": features, "sections": sections}
    stylesheets = tuple(f.stylesheet for f in features if f.stylesheet)
    app.jinja_env.globals["feature_stylesheets"] = stylesheets
