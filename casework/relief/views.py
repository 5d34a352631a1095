"""Relief views."""

from flask import Blueprint

bp = Blueprint("relief", __name__)
