"""Fault drills: parts of the running platform killed, restarted or starved under load."""
