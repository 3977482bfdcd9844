"""nginx configuration for the platform's edge: templates and their renderer."""
