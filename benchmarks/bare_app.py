"""The baseline: a WSGI endpoint that reads the body and does nothing, served like the function."""


def app(environ, start_response):
    environ["wsgi.input"].read()
    start_response("201 Created", [("Content-Type", "application/json"), ("Content-Length", "2")])
    return [b"{}"]


def _empty_flask_app():
    """For context only: Flask itself with a route that does nothing (the function is a Flask app)."""
    from flask import Flask, request

    flask_app = Flask(__name__)

    @flask_app.post("/")
    def nothing():
        request.get_data()
        return {}, 201

    return flask_app


flask_app = _empty_flask_app()
