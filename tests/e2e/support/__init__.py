"""The end-to-end harness: a whole platform on free ports, torn down after the session."""
