"""Interview reports: what the candidate knows, missed and should study next, built by a Celery
worker after each finalisation (and again when a score changes), stored in the quiz database as
data, a page fragment and, on first download, a PDF."""
