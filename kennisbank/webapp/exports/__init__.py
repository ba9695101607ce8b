"""Downloads: collection and case exports as Markdown, CSV, Excel and JSON."""
