"""The real engine (docker-py) and the simulated one, and the one place that chooses."""
