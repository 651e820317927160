"""The paper outputs: blank and filled A4 forms and receipts, rendered by WeasyPrint from one
template per kind (templates/) and one stylesheet (static/)."""
