"""Infrastructure helpers: process definitions, nginx rendering and the local stack runner."""
