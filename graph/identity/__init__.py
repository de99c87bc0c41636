"""Identity: normalised keys and the one place that mints and parses resource URIs."""
