"""Generic helpers any stage may use (a per-user cache of parsed models and lexicons)."""
