"""Deadlines views."""

from flask import Blueprint

bp = Blueprint("deadlines", __name__)
