"""The submit function and what the build shares with it, in three parts:

- `model/`: the procedures as the schemas define them (loading, validation and its words,
  divisions, benefit rules, working days);
- `pdf/`: the paper outputs (blank and filled forms, receipts), with their templates and styles;
- `service/`: the HTTP function (routes, requests, problems, receipts, storage, configuration).

`main.py` is the deployed entry point.
"""
