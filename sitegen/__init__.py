"""Build-only code: the site pages, form pages and reports made from the schemas."""
