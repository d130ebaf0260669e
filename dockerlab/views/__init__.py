"""Data in; text, HTML and figures out. Knows no lab and no engine."""
