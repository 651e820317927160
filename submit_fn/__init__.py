"""The submit function and what the build shares with it: schemas, messages, PDF forms."""
