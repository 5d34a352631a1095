"""Contacts views."""

from flask import Blueprint

bp = Blueprint("contacts", __name__)
