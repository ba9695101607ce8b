"""Dutch text handling shared by every stage: folding, analysis, and the stored term format.

The build writes analysed terms and the search reads them back; both use this package, so
that neither has to import the other.
"""
