"""Stage 1, content: read the Markdown files and the taxonomy, and say exactly what is wrong.

Owns the content format (``models``), front matter with line numbers (``frontmatter``), the
controlled vocabularies (``taxonomy``), per-file checks (``validation``), loading a whole tree
(``loading``), ``kennisbank new`` (``scaffold``), slugs, sections and the ``Problem`` type.
Imports nothing from indexing, search or the web app.
"""
