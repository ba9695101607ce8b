"""Running the site: security, headers, metrics, the search log, --watch."""
