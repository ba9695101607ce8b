"""Web tests: pages, API and a real browser."""
