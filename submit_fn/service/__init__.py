"""The HTTP function: the Flask app and its routes, reading requests, problems, receipts,
storage and its migrations, configuration from the environment."""
