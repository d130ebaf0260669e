"""What runs inside a lab container, and the parsers of what it prints; no engine."""
