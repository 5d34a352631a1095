"""The baseline of `run.py`: a hello-world Flask app served by gunicorn under the same gunicorn.conf.py."""

from flask import Flask

app = Flask(__name__)


@app.route("/", methods=["GET", "POST"])
def hello():
    """The cheapest page Flask can answer (a post too: the ceiling of the petition benchmark)."""
    return "Hello, world!"
