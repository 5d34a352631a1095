"""Transfer views."""

from flask import Blueprint

bp = Blueprint("transfer", __name__)
