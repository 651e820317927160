"""The baseline: a WSGI endpoint that reads the body and does nothing, served like the function."""


def app(environ, start_response):
    environ["wsgi.input"].read()
    start_response("201 Created", [("Content-Type", "application/json"), ("Content-Length", "2")])
    return [b"{}"]
