"""The visitor's own selection: its cookie, edits, undo, details and routes."""
